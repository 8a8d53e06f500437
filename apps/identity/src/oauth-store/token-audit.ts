import type { AuditRecordedFields } from '@carevault/contracts';
import type { TokenSubject } from './oauth-store.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = (v: unknown): string | null => (typeof v === 'string' && UUID.test(v) ? v : null);
const short = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null);

/**
 * The audit fields of a token event: application, person, record and device instance from the grant
 * binding (or the client alone for an application token), and identifiers only — never the token.
 */
export function tokenAuditFields(subject: TokenSubject, extra: Record<string, unknown>, correlationId: string | null): AuditRecordedFields {
  const b = subject.binding ?? {};
  const details: Record<string, string> = {};
  const add = (key: string, value: unknown) => {
    const v = short(value);
    if (v !== null) details[key] = v;
  };
  add('grantId', uuid(b.consentGrantId));
  add('mode', b.mode ?? (subject.binding ? undefined : 'offline'));
  for (const [key, value] of Object.entries(extra)) add(key, value);
  return {
    appId: uuid(b.appId) ?? uuid(subject.appId),
    personId: uuid(b.personId),
    recordId: uuid(b.recordId),
    instanceId: uuid(b.instanceId),
    correlationId,
    details,
  };
}
