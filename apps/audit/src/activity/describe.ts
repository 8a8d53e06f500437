import { AccessReason, type AuditEntryView } from '@carevault/contracts';

const DONE: Record<string, string> = { create: 'added', read: 'read', update: 'updated', delete: 'deleted' };
const DOING: Record<string, string> = { create: 'adding', read: 'reading', update: 'updating', delete: 'deleting' };

/** Reasons in the words a person would use; others are shown with their dashes as spaces. */
const REASONS: Record<string, string> = {
  [AccessReason.NotPermitted]: 'no rule',
  [AccessReason.NoGrant]: 'not authorized',
  [AccessReason.NotFound]: 'not found',
};

type Words = (who: string, app: string) => string;

/** What happened, by action: `who` is "You", "A custodian", "An operator"...; `app` the application's name. */
const RECORDED: Record<string, Words> = {
  'sign-up': (who) => `${who} signed up`,
  'sign-in': (who) => `${who} signed in`,
  'sign-in-failed': (who) => `${who} could not sign in`,
  'sign-out': (who) => `${who} signed out`,
  'grant-created': (who, app) => `${who} authorized ${app}`,
  'grant-updated': (who, app) => `${who} changed what ${app} may do`,
  'grant-revoked': (who, app) => `${who} revoked the authorization of ${app}`,
  'token-issued': (_who, app) => `${cap(app)} was given an access token`,
  'token-revoked': (_who, app) => `An access token of ${app} was revoked`,
  'connect-code-entered': (who, app) => `${who} entered a Patient Connect code from ${app}`,
  'connect-answer-wrong': (who, app) => `${who} gave a wrong answer to the Patient Connect question of ${app}`,
  'connect-locked': (who, app) => `${who} could not go on with a Patient Connect request of ${app}: it is locked`,
  'connect-authorized': (who, app) => `${who} connected ${app} through Patient Connect`,
  'device-authorized': (who, app) => `${who} authorized a device of ${app}`,
  'device-revoked': (who, app) => `${who} revoked a device of ${app}`,
  'application-registered': (_who, app) => `An operator registered ${app}`,
  'rules-replaced': (_who, app) => `An operator changed the rules of ${app}`,
  'secret-rotated': (_who, app) => `An operator rotated the secret of ${app}`,
};

const VIEWS: Record<string, string> = {
  'record-activity': "viewed this record's activity",
  'export-fhir': "exported this record's activity",
  query: 'searched the audit trail',
};

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? `an ${word}` : `a ${word}`;
}

function words(kebab: string): string {
  return kebab.replace(/-/g, ' ');
}

function outcomeWords(e: AuditEntryView): string {
  if (e.outcome === 'allowed' || e.outcome === 'success' || !e.reason) return e.outcome;
  return `${e.outcome} (${REASONS[e.reason] ?? words(e.reason)})`;
}

function whoOf(e: AuditEntryView, viewerPersonId?: string): string {
  if (e.details?.actor === 'operator' || e.category === 'operator') return 'An operator';
  if (e.personId && e.personId === viewerPersonId) return 'You';
  if (e.personId) return 'A custodian';
  return 'Someone';
}

function dataAccess(e: AuditEntryView, app: string): string {
  const types = e.dataType ? e.dataType.split(',') : [];
  const many = e.itemCount !== null || types.length > 1 || (!e.itemId && e.permission === 'read');
  if (e.outcome === 'allowed') {
    const what = many
      ? `${e.itemCount ?? 'some'} item${e.itemCount === 1 ? '' : 's'}${types.length ? ` (${types.join(', ')})` : ''}`
      : types.length
        ? article(types[0]!)
        : 'an item';
    return `${cap(app)} ${DONE[e.permission ?? ''] ?? words(e.action)} ${what}`;
  }
  const what = types.length ? types.join(', ') : e.itemId ? 'an item' : 'items';
  return `${cap(app)} was refused ${DOING[e.permission ?? ''] ?? words(e.action)} ${what}`;
}

/**
 * One entry in plain words for the person's activity page, e.g.
 * "Contoso Pharmacy added a MedicationStatement — offline — allowed" or
 * "Contoso Pharmacy was refused reading Condition — online — denied (no rule)".
 */
export function describe(e: AuditEntryView, appNames: ReadonlyMap<string, string>, viewerPersonId?: string): string {
  const app = (e.appId && appNames.get(e.appId)) || 'an application';
  if (e.kind === 'data-access') return `${dataAccess(e, app)} — ${e.mode ?? 'unknown mode'} — ${outcomeWords(e)}`;
  const who = whoOf(e, viewerPersonId);
  let what: string;
  if (e.action === 'audit-queried') what = `${who} ${VIEWS[e.details?.view ?? ''] ?? 'read the audit trail'}`;
  else if (RECORDED[e.action]) what = RECORDED[e.action]!(who, app);
  else what = `${e.appId ? cap(app) : who}: ${words(e.action)}`;
  return `${what} — ${outcomeWords(e)}`;
}
