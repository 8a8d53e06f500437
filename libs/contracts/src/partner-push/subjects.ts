// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).
import { ConsentEvt } from '../consent/subjects';

/** Request/reply subjects answered by the partner-push service (the gateway's partner and operator routes call these). */
export const PartnerPushCmd = {
  ListDeliveries: 'partner-push.cmd.list-deliveries.v1',
  Redeliver: 'partner-push.cmd.redeliver.v1',
  ListEvents: 'partner-push.cmd.list-events.v1',
} as const;

/** The event types partners see (API.md "Grant events for partners"), in webhooks and in the polling feed. */
export const PARTNER_EVENT_TYPES = ['grant.created', 'grant.updated', 'grant.revoked', 'connect-request.authorized', 'device-instance.revoked'] as const;
export type PartnerEventType = (typeof PARTNER_EVENT_TYPES)[number];

export function isPartnerEventType(type: string): type is PartnerEventType {
  return (PARTNER_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * Where each partner event comes from (stream CAREVAULT_EVENTS). partner-push routes on the envelope
 * `type` and `data.appId`; the subjects are listed so that publishers know what partner-push listens to.
 */
export const PARTNER_EVENT_SOURCES: Record<PartnerEventType, string> = {
  'grant.created': ConsentEvt.GrantCreated,
  'grant.updated': ConsentEvt.GrantUpdated,
  'grant.revoked': ConsentEvt.GrantRevoked,
  'connect-request.authorized': 'connect-request.evt.authorized.v1',
  'device-instance.revoked': 'identity.evt.device-instance-revoked.v1',
};
