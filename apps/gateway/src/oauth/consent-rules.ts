import { AccessMode, Permission, type Rule } from '@carevault/contracts';

/** Same rule in substance: name, mode, data types and permissions (the reason is wording only). */
export function sameRule(a: Rule, b: Rule): boolean {
  const set = (xs: readonly string[]) => [...xs].sort().join('\u0000');
  return a.name === b.name && a.mode === b.mode && set(a.dataTypes) === set(b.dataTypes) && set(a.permissions) === set(b.permissions);
}

/** Whether a grant's rules hold every required rule of the application's current rule set. */
export function coversRequiredRules(granted: readonly Rule[], current: readonly Rule[]): boolean {
  return current.filter((r) => r.required).every((r) => granted.some((g) => sameRule(g, r)));
}

/** Whether the authorize request asked to show the consent page whatever was granted before. */
export function consentRequested(prompt: unknown): boolean {
  return typeof prompt === 'string' && prompt.split(' ').includes('consent');
}

/**
 * The record the page decides on without asking: the authorize request's `record_id` when the person is
 * its custodian, else the only record the person has; null when the person must pick.
 */
export function preselectedRecord(requested: unknown, recordIds: readonly string[]): string | null {
  if (typeof requested === 'string' && recordIds.includes(requested)) return requested;
  return recordIds.length === 1 ? recordIds[0]! : null;
}

const VERBS: Record<Permission, string> = {
  [Permission.Read]: 'see',
  [Permission.Create]: 'add',
  [Permission.Update]: 'change',
  [Permission.Delete]: 'delete',
};
const ORDER = [Permission.Read, Permission.Create, Permission.Update, Permission.Delete];

/** `see and add`, `see, add and change`. */
export function permissionsInWords(permissions: readonly Permission[]): string {
  const words = ORDER.filter((p) => permissions.includes(p)).map((p) => VERBS[p]);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** `MedicationStatement` → `medication statements`. */
export function dataTypeInWords(type: string): string {
  const words = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return /s$/.test(words) ? words : `${words}s`;
}

export function modeInWords(mode: AccessMode): { label: string; detail: string } {
  return mode === AccessMode.Online
    ? { label: 'Online', detail: 'only while you are signed in and using the application' }
    : { label: 'Offline', detail: 'also on its own, when you are not using the application' };
}
