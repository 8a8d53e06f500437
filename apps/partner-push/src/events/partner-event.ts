import { type EventEnvelope, type GrantEventData, type PartnerEvent, type PartnerGrantData, isPartnerEventType } from '@carevault/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The application an event concerns, when it is one partners see; null for every other event. */
export function partnerEventOf(e: EventEnvelope): PartnerEvent | null {
  if (!isPartnerEventType(e.type)) return null;
  const data = e.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null || typeof data.appId !== 'string' || !UUID.test(data.appId)) return null;
  const base = { id: e.eventId, type: e.type, occurredAt: e.occurredAt };
  if (e.type.startsWith('grant.')) return { ...base, data: grantData(data as unknown as GrantEventData) };
  return { ...base, data: { ...data, appId: data.appId } };
}

/** API.md's grant event data; consent's internal fields (modes, state, source) stay inside. */
function grantData(g: GrantEventData): PartnerGrantData {
  return { grantId: g.grantId, appId: g.appId, recordId: g.recordId, personId: g.personId, rules: g.rules, mode: g.mode, version: g.version, at: g.at };
}

/** Application events (registered, rule set changed, ...) may change where its webhooks go. */
export function applicationChangedBy(e: EventEnvelope): string | null {
  if (!e.type.startsWith('application.')) return null;
  const appId = (e.data as { appId?: unknown } | null)?.appId;
  return typeof appId === 'string' ? appId : null;
}
