// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).

/** Request/reply subjects answered by the consent service. */
export const ConsentCmd = {
  UpsertGrant: 'consent.cmd.upsert-grant.v1',
  RevokeGrant: 'consent.cmd.revoke-grant.v1',
  RevokeRecordGrants: 'consent.cmd.revoke-record-grants.v1',
  GetGrant: 'consent.cmd.get-grant.v1',
  FindActiveGrant: 'consent.cmd.find-active-grant.v1',
  ListAppGrants: 'consent.cmd.list-app-grants.v1',
  ListRecordGrants: 'consent.cmd.list-record-grants.v1',
  Decide: 'consent.cmd.decide.v1',
  EffectivePermissions: 'consent.cmd.effective-permissions.v1',
} as const;

/** Durable events (outbox → JetStream stream CAREVAULT_EVENTS). */
export const ConsentEvt = {
  GrantCreated: 'consent.evt.grant-created.v1',
  GrantUpdated: 'consent.evt.grant-updated.v1',
  GrantRevoked: 'consent.evt.grant-revoked.v1',
} as const;

/** The envelope `type` of each consent event, as partners see it (API.md "Grant events"). */
export const ConsentEventType = {
  GrantCreated: 'grant.created',
  GrantUpdated: 'grant.updated',
  GrantRevoked: 'grant.revoked',
} as const;

/**
 * Core NATS (not JetStream) cache invalidation, published by consent after a grant change commits and
 * before it answers: gateways drop cached decisions for the (app, record). See docs/adr/001.
 */
export const GRANT_INVALIDATION_SUBJECT = 'consent.cache.grant-changed.v1';

export interface GrantInvalidation {
  appId: string;
  recordId: string;
  grantId: string;
  version: number;
}
