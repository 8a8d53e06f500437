import { ErrorCode, type FieldError } from '@carevault/contracts';
import { DomainError } from '@carevault/platform';
import { loadFhirDefinitions } from './fhir-definitions';
import { FhirValidator } from './fhir-validator';

const RECORD = '7d0c3a52-52d5-4f2c-9d3e-0a0b0c0d0e0f';

function problems(sut: FhirValidator, resource: Record<string, unknown>): FieldError[] {
  try {
    sut.prepare(resource, RECORD);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    return (err as DomainError).errors ?? [];
  }
  throw new Error('expected VALIDATION_FAILED');
}

const medicationStatement = (over: Record<string, unknown> = {}) => ({
  resourceType: 'MedicationStatement',
  status: 'active',
  medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197361', display: 'Amlodipine 5 MG' }] },
  effectiveDateTime: '2024-05-01',
  ...over,
});

describe(FhirValidator.name, () => {
  let sut: FhirValidator;

  beforeAll(async () => {
    await loadFhirDefinitions();
    sut = new FhirValidator();
  });

  describe('prepare', () => {
    it('accepts a valid resource and makes the record its patient, dropping the partner id and platform meta', () => {
      const out = sut.prepare(
        medicationStatement({ id: 'partner-42', meta: { versionId: '9', lastUpdated: '2020-01-01T00:00:00Z', tag: [{ code: 'x' }] }, subject: { reference: 'Patient/elsewhere' } }),
        RECORD,
      );
      expect(out.type).toBe('MedicationStatement');
      expect(out.resource.id).toBeUndefined();
      expect(out.resource.meta).toEqual({ tag: [{ code: 'x' }] });
      expect(out.resource.subject).toEqual({ reference: `Patient/${RECORD}` });
    });

    it('sets `patient` for types whose patient element is called so', () => {
      const out = sut.prepare({
          resourceType: 'AllergyIntolerance',
          clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
          code: { text: 'peanut' },
        }, RECORD);
      expect(out.resource.patient).toEqual({ reference: `Patient/${RECORD}` });
    });

    it('rejects a data type that is not a FHIR R4 resource type', () => {
      expect(problems(sut, { resourceType: 'Foo' })).toEqual([{ field: 'resourceType', message: '"Foo" is not a FHIR R4 resource type' }]);
      expect(problems(sut, { resourceType: 'CodeableConcept' })[0]!.field).toBe('resourceType');
      expect(problems(sut, { status: 'active' })[0]).toEqual({ field: 'resourceType', message: expect.stringMatching(/required/) });
    });

    it('names a missing required element', () => {
      const { status: _status, ...noStatus } = medicationStatement();
      expect(problems(sut, noStatus)).toEqual([{ field: 'MedicationStatement.status', message: 'Missing required property' }]);
      const { medicationCodeableConcept: _m, ...noMedication } = medicationStatement();
      expect(problems(sut, noMedication)).toEqual([{ field: 'MedicationStatement.medication[x]', message: 'Missing required property' }]);
    });

    it('names elements of the wrong type', () => {
      expect(problems(sut, medicationStatement({ effectiveDateTime: 'yesterday' }))).toEqual([
        { field: 'MedicationStatement.effective[x]', message: 'Invalid dateTime format' },
      ]);
      expect(problems(sut, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: '120' } })).toEqual([
        { field: 'Observation.value[x].value', message: 'Invalid JSON type: expected number, but got string' },
      ]);
      expect(problems(sut, { resourceType: 'Observation', status: 'final', code: 5 })).toEqual([
        { field: 'Observation.code', message: 'Expected CodeableConcept (a JSON object), got a number' },
      ]);
      expect(problems(sut, { resourceType: 'Observation', status: 'final', code: 'glucose' })).toEqual([
        { field: 'Observation.code', message: 'Expected CodeableConcept (a JSON object), got a string' },
      ]);
      expect(problems(sut, { resourceType: 'Observation', status: 'final', code: [{ text: 'x' }] })).toEqual([
        { field: 'Observation.code', message: 'Expected single value for property' },
      ]);
    });

    it('names unknown elements, nested ones and prototype names too', () => {
      expect(problems(sut, medicationStatement({ dosis: [] }))).toEqual([{ field: 'MedicationStatement.dosis', message: 'Invalid additional property "dosis"' }]);
      expect(problems(sut, medicationStatement({ medicationCodeableConcept: { text: 'x', colour: 'red' } }))).toEqual([
        { field: 'MedicationStatement.medication[x].colour', message: 'Invalid additional property "colour"' },
      ]);
      expect(problems(sut, JSON.parse('{"resourceType":"Observation","status":"final","code":{"text":"x","constructor":1}}'))).toEqual([
        { field: 'Observation.code.constructor', message: 'Invalid additional property "constructor"' },
      ]);
    });

    it('rejects two types of one choice element and broken invariants', () => {
      expect(problems(sut, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: 'a', valueBoolean: true })).toEqual([
        { field: 'Observation.valueBoolean', message: 'Conflicting choice of type properties: "valueBoolean", "valueString"' },
      ]);
      const [obs6] = problems(sut, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueString: 'a', dataAbsentReason: { text: 'n/a' } });
      expect(obs6).toEqual({ field: 'Observation', message: expect.stringMatching(/^Constraint obs-6 not met/) });
    });

    it('lists every problem at once', () => {
      const sut2 = problems(sut, { resourceType: 'MedicationStatement', effectiveDateTime: 'soon', foo: 1 });
      expect(sut2.map((e) => e.field).sort()).toEqual(
        ['MedicationStatement.effective[x]', 'MedicationStatement.foo', 'MedicationStatement.medication[x]', 'MedicationStatement.status'].sort(),
      );
    });
  });

  describe('performance', () => {
    it('validates a typical resource in well under a millisecond', () => {
      const resource = medicationStatement();
      for (let i = 0; i < 200; i++) sut.prepare(resource, RECORD);
      const n = 2000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < n; i++) sut.prepare(resource, RECORD);
      const micros = Number(process.hrtime.bigint() - started) / 1000 / n;
      process.stdout.write(`fhir prepare+validate MedicationStatement: ${micros.toFixed(0)} µs\n`);
      expect(micros).toBeLessThan(2000);
    });
  });
});
