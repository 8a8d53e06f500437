import './medplum-node20';
import { type FieldError, isFhirResourceType } from '@carevault/contracts';
import { validationFailed } from '@carevault/platform';
import {
  OperationOutcomeError,
  crawlTypedValue,
  getDataType,
  isComplexTypeCode,
  toTypedValue,
  validateResource,
} from '@medplum/core';

/** A resource as the record-store keeps it: no `id`, only the client's meta.profile/security/tag, subject set. */
export interface PreparedResource {
  type: string;
  resource: Record<string, unknown>;
}

interface Issue {
  severity?: string;
  details?: { text?: string };
  expression?: string[];
}

const MAX_DEPTH = 40;
const MAX_ERRORS = 50;
const KEPT_META = ['profile', 'security', 'tag'] as const;

/** Validates partner-submitted FHIR R4 resources and turns them into what an item stores (after `loadFhirDefinitions()`). */
export class FhirValidator {
  private readonly patientElements = new Map<string, string | null>();

  /**
   * The resource to store, or VALIDATION_FAILED with one error per problem (`field` is a FHIR path).
   * The platform owns `id`, `meta.versionId`, `meta.lastUpdated` and the patient reference: whatever
   * the partner sent there is replaced, since the record is the patient and its id is ours.
   */
  prepare(input: Record<string, unknown>, recordId: string): PreparedResource {
    const type = input.resourceType;
    if (typeof type !== 'string' || !isFhirResourceType(type)) {
      throw validationFailed([
        {
          field: 'resourceType',
          message:
            typeof type === 'string'
              ? `"${type}" is not a FHIR R4 resource type`
              : 'resourceType is required: the data type of an item is a FHIR R4 resource type',
        },
      ]);
    }
    const keyErrors = unsafeKeys(input, type);
    if (keyErrors.length > 0) throw validationFailed(keyErrors);

    const { id: _id, meta, ...rest } = input;
    const resource: Record<string, unknown> = { ...rest };
    const keptMeta = pickMeta(meta);
    if (keptMeta) resource.meta = keptMeta;
    const patientElement = this.patientElementOf(type);
    if (patientElement) resource[patientElement] = { reference: `Patient/${recordId}` };

    const errors = this.validate(resource);
    if (errors.length > 0) throw validationFailed(errors, 'the resource is not a valid FHIR R4 resource');
    return { type, resource };
  }

  /** FHIR problems of a resource whose resourceType is known to be valid; empty when it is valid. */
  validate(resource: Record<string, unknown>): FieldError[] {
    let issues: Issue[];
    try {
      issues = validateResource(resource as never) as Issue[];
    } catch (err) {
      if (!(err instanceof OperationOutcomeError)) throw err;
      issues = (err.outcome.issue ?? []) as Issue[];
    }
    const type = resource.resourceType as string;
    const found: FieldError[] = [];
    for (const issue of issues) {
      const message = issue.details?.text ?? 'invalid';
      const isError = issue.severity === 'error' || issue.severity === 'fatal';
      // FHIR allows one type of a choice element; medplum only warns (and names the key without its path).
      const isChoiceConflict = message.startsWith('Conflicting choice of type properties');
      if (!isError && !isChoiceConflict) continue;
      let field = issue.expression?.[0] ?? type;
      if (!field.startsWith(`${type}.`) && field !== type) field = `${type}.${field}`;
      found.push({ field, message });
    }
    return merge(found, this.shapeErrors(resource)).slice(0, MAX_ERRORS);
  }

  /**
   * medplum does not check that a complex element holds an object (`"code": 5` passes) and reports a
   * string there character by character; this finds those and names the expected type.
   */
  private shapeErrors(resource: Record<string, unknown>): FieldError[] {
    const errors: FieldError[] = [];
    crawlTypedValue(
      toTypedValue(resource),
      {
        visitProperty: (_parent, _key, _path, values) => {
          for (const v of values.flat()) {
            if (!isComplexTypeCode(v.type)) continue;
            if (typeof v.value === 'object' && v.value !== null && !Array.isArray(v.value)) continue;
            const got = v.value === null ? 'null' : Array.isArray(v.value) ? 'an array' : `a ${typeof v.value}`;
            errors.push({ field: v.path, message: `Expected ${v.type} (a JSON object), got ${got}` });
          }
        },
      },
      { skipMissingProperties: true },
    );
    return errors;
  }

  /** The element that points at the patient (`patient` or `subject`, a single Reference that may target Patient). */
  patientElementOf(type: string): string | null {
    if (!this.patientElements.has(type)) {
      const elements = getDataType(type).elements;
      const name =
        ['patient', 'subject'].find((n) => {
          const e = elements[n];
          return e && !e.isArray && e.type.some((t) => t.code === 'Reference' && (t.targetProfile ?? []).some((p) => p.endsWith('/Patient')));
        }) ?? null;
      this.patientElements.set(type, name);
    }
    return this.patientElements.get(type)!;
  }
}

function pickMeta(meta: unknown): Record<string, unknown> | undefined {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const k of KEPT_META) if ((meta as Record<string, unknown>)[k] !== undefined) kept[k] = (meta as Record<string, unknown>)[k];
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** Keys medplum's `key in elements` check lets through (`constructor`, `__proto__`...), and nesting too deep to walk. */
function unsafeKeys(value: unknown, path: string, depth = 0, errors: FieldError[] = []): FieldError[] {
  if (typeof value !== 'object' || value === null || errors.length >= MAX_ERRORS) return errors;
  if (depth > MAX_DEPTH) {
    errors.push({ field: path, message: `nested deeper than ${MAX_DEPTH} levels` });
    return errors;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => unsafeKeys(v, `${path}[${i}]`, depth + 1, errors));
    return errors;
  }
  for (const key of Object.keys(value)) {
    const name = key.startsWith('_') ? key.slice(1) : key;
    if (name in Object.prototype) errors.push({ field: `${path}.${key}`, message: `Invalid additional property "${key}"` });
    else unsafeKeys((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1, errors);
  }
  return errors;
}

/** Joins medplum's errors with the shape errors, dropping medplum's noise inside a value already reported as the wrong shape. */
function merge(found: FieldError[], shape: FieldError[]): FieldError[] {
  const exact = new Set(found.map((e) => e.field));
  const kept = found.filter((e) => !shape.some((s) => e.field.startsWith(`${s.field}.`)));
  const extra = shape.filter((s) => !exact.has(s.field));
  const seen = new Set<string>();
  return [...kept, ...extra].filter((e) => {
    const key = `${e.field}\n${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
