import { AccessMode, type ApplicationKind, type FieldError, type Rule, isFhirResourceType } from '@carevault/contracts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Why a redirect URI is refused, or null: absolute, https (http only on loopback), no fragment, no credentials. */
export function redirectUriProblem(value: string): string | null {
  const url = parseUrl(value);
  if (!url) return 'must be an absolute URL';
  if (value.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? null : 'must use https (http only for localhost or 127.0.0.1)';
  return 'must use https (http only for localhost or 127.0.0.1)';
}

/** Why a webhook URL is refused, or null: absolute http(s), no credentials, no fragment. */
export function webhookUrlProblem(value: string): string | null {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'must be an absolute http(s) URL';
  if (url.username || url.password) return 'must not contain credentials';
  if (value.includes('#')) return 'must not contain a fragment';
  return null;
}

function duplicates(values: readonly string[], field: string, what: string): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  values.forEach((v, i) => {
    if (seen.has(v)) errors.push({ field: `${field}.${i}`, message: `duplicate ${what} "${v}"` });
    seen.add(v);
  });
  return errors;
}

/**
 * The checks a class-validator decorator cannot express or cannot name by index. Assumes the shape was
 * validated already (RuleDto). Rule names are compared exactly.
 */
export function ruleSetProblems(rules: readonly Rule[], kind: ApplicationKind): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Map<string, number>();
  rules.forEach((rule, i) => {
    const at = `rules.${i}`;
    const first = names.get(rule.name);
    if (first !== undefined) errors.push({ field: `${at}.name`, message: `rule name "${rule.name}" is already used by rules.${first}` });
    else names.set(rule.name, i);
    rule.dataTypes.forEach((t, j) => {
      if (!isFhirResourceType(t)) errors.push({ field: `${at}.dataTypes.${j}`, message: `"${t}" is not a FHIR R4 resource type` });
    });
    errors.push(...duplicates(rule.dataTypes, `${at}.dataTypes`, 'data type'));
    errors.push(...duplicates(rule.permissions, `${at}.permissions`, 'permission'));
    if (kind === 'device' && rule.mode !== AccessMode.Offline) {
      errors.push({ field: `${at}.mode`, message: 'a device application may only have offline rules' });
    }
  });
  return errors;
}

export interface ApplicationShape {
  kind: ApplicationKind;
  redirectUris: readonly string[];
  webhookUrl?: string | null;
  rules: readonly Rule[];
}

export function applicationProblems(app: ApplicationShape): FieldError[] {
  const errors: FieldError[] = [];
  if (app.kind === 'web' && app.redirectUris.length === 0) {
    errors.push({ field: 'redirectUris', message: 'a web application needs at least one redirect URI' });
  }
  app.redirectUris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) errors.push({ field: `redirectUris.${i}`, message: `redirect URI ${problem}` });
  });
  errors.push(...duplicates(app.redirectUris, 'redirectUris', 'redirect URI'));
  if (app.webhookUrl !== undefined && app.webhookUrl !== null) {
    const problem = webhookUrlProblem(app.webhookUrl);
    if (problem) errors.push({ field: 'webhookUrl', message: `webhookUrl ${problem}` });
  }
  errors.push(...ruleSetProblems(app.rules, app.kind));
  return errors;
}
