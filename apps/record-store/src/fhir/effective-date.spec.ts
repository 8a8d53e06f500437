import { effectiveDateOf, parseFhirDateTime } from './effective-date';

const created = new Date('2025-06-01T12:00:00.000Z');

describe(effectiveDateOf.name, () => {
  it.each([
    ['effectiveDateTime', { resourceType: 'Observation', effectiveDateTime: '2024-03-05T10:20:30Z' }, '2024-03-05T10:20:30.000Z'],
    ['effectivePeriod.start', { resourceType: 'Observation', effectivePeriod: { start: '2024-03-05', end: '2024-03-09' } }, '2024-03-05T00:00:00.000Z'],
    ['effectiveInstant', { resourceType: 'Observation', effectiveInstant: '2024-03-05T10:20:30.123+02:00' }, '2024-03-05T08:20:30.123Z'],
    ['occurrenceDateTime', { resourceType: 'Immunization', occurrenceDateTime: '2021-05' }, '2021-05-01T00:00:00.000Z'],
    ['performedDateTime', { resourceType: 'Procedure', performedDateTime: '2019' }, '2019-01-01T00:00:00.000Z'],
    ['performedPeriod.start', { resourceType: 'Procedure', performedPeriod: { start: '2019-02-03T04:05:06Z' } }, '2019-02-03T04:05:06.000Z'],
    ['onsetDateTime', { resourceType: 'Condition', onsetDateTime: '2010-07-01', recordedDate: '2020-01-01' }, '2010-07-01T00:00:00.000Z'],
    ['recordedDate', { resourceType: 'Condition', recordedDate: '2020-01-01' }, '2020-01-01T00:00:00.000Z'],
    ['period.start', { resourceType: 'Encounter', period: { start: '2022-11-11T08:00:00Z' } }, '2022-11-11T08:00:00.000Z'],
    ['authoredOn', { resourceType: 'MedicationRequest', authoredOn: '2023-01-02' }, '2023-01-02T00:00:00.000Z'],
    ['issued', { resourceType: 'DiagnosticReport', issued: '2023-01-02T03:04:05.678Z' }, '2023-01-02T03:04:05.678Z'],
    ['date', { resourceType: 'DocumentReference', date: '2023-04-05T06:07:08Z' }, '2023-04-05T06:07:08.000Z'],
    ['dateAsserted', { resourceType: 'MedicationStatement', dateAsserted: '2024-12-24' }, '2024-12-24T00:00:00.000Z'],
  ])('takes %s', (_name, resource, expected) => {
    expect(effectiveDateOf(resource, created).toISOString()).toBe(expected);
  });

  it('prefers effective[x] over dates that only say when something was written down', () => {
    const sut = effectiveDateOf({ effectiveDateTime: '2024-01-01', issued: '2024-02-01T00:00:00Z', dateAsserted: '2024-03-01' }, created);
    expect(sut.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('falls back to the creation time when the resource gives no date', () => {
    expect(effectiveDateOf({ resourceType: 'Patient', birthDate: '1970-01-01' }, created)).toBe(created);
  });

  it('skips a value that is not a FHIR date and takes the next one', () => {
    expect(effectiveDateOf({ effectiveDateTime: 'yesterday', issued: '2023-01-02T03:04:05Z' }, created).toISOString()).toBe('2023-01-02T03:04:05.000Z');
    expect(effectiveDateOf({ effectivePeriod: 'not an object', date: '2001' }, created).toISOString()).toBe('2001-01-01T00:00:00.000Z');
  });
});

describe(parseFhirDateTime.name, () => {
  it('reads partial dates as their first instant in UTC, and a time without zone as UTC', () => {
    expect(parseFhirDateTime('2024')?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(parseFhirDateTime('2024-02')?.toISOString()).toBe('2024-02-01T00:00:00.000Z');
    expect(parseFhirDateTime('2024-02-29T10:00')?.toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(parseFhirDateTime('2024-02-29T10:00:00.123456-05:00')?.toISOString()).toBe('2024-02-29T15:00:00.123Z');
  });

  it('rejects what is not a calendar date', () => {
    for (const bad of ['2023-02-29', '2023-13-01', '2023-04-31T00:00:00Z', '24-01-01', '', 'now', 20240101, null]) {
      expect(parseFhirDateTime(bad)).toBeNull();
    }
  });
});
