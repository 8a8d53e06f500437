/**
 * Where a resource says when it happened, in order of preference. Onset before recordedDate: for a
 * Condition or AllergyIntolerance the onset is when it applies, recordedDate only when it was written down.
 */
export const EFFECTIVE_DATE_PATHS: ReadonlyArray<readonly string[]> = [
  ['effectiveDateTime'],
  ['effectivePeriod', 'start'],
  ['effectiveInstant'],
  ['occurrenceDateTime'],
  ['occurrencePeriod', 'start'],
  ['performedDateTime'],
  ['performedPeriod', 'start'],
  ['onsetDateTime'],
  ['onsetPeriod', 'start'],
  ['recordedDate'],
  ['period', 'start'],
  ['authoredOn'],
  ['issued'],
  ['date'],
  ['dateAsserted'],
];

const FHIR_DATE_TIME = /^(\d{4})(-(\d{2})(-(\d{2})(T(\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * A FHIR date, dateTime or instant as a point in time. Partial dates (`2024`, `2024-03`, `2024-03-05`)
 * mean their first instant in UTC, and so does a time without a zone. Null when it is not one.
 */
export function parseFhirDateTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = FHIR_DATE_TIME.exec(value);
  if (!m) return null;
  const [, year, , month = '01', , day = '01', , hh = '00', mm = '00', , ss = '00', fraction = '', zone = 'Z'] = m;
  // Reject calendar overflow such as 2023-02-30, which Date would roll over into March.
  const calendar = new Date(`${year}-01-01T00:00:00Z`);
  calendar.setUTCMonth(Number(month) - 1, Number(day));
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return null;
  const iso = `${year}-${month}-${day}T${hh}:${mm}:${ss}${fraction.slice(0, 4)}${zone}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function at(resource: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = resource;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The item's effective date: the first date the resource gives (see EFFECTIVE_DATE_PATHS), else `fallback`. */
export function effectiveDateOf(resource: Record<string, unknown>, fallback: Date): Date {
  for (const path of EFFECTIVE_DATE_PATHS) {
    const date = parseFhirDateTime(at(resource, path));
    if (date) return date;
  }
  return fallback;
}
