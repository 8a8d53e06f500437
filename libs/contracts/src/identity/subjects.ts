// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).

/** Request/reply subjects answered by the identity service. */
export const IdentityCmd = {
  SignUp: 'identity.cmd.sign-up.v1',
  SignIn: 'identity.cmd.sign-in.v1',
  SignOut: 'identity.cmd.sign-out.v1',
  ResolveSession: 'identity.cmd.resolve-session.v1',
  SessionStatus: 'identity.cmd.session-status.v1',
  ListRecords: 'identity.cmd.list-records.v1',
  AddRecord: 'identity.cmd.add-record.v1',
  IsCustodian: 'identity.cmd.is-custodian.v1',
  GetRecord: 'identity.cmd.get-record.v1',
  RemoveCustodian: 'identity.cmd.remove-custodian.v1',
  RegisterApplication: 'identity.cmd.register-application.v1',
  GetApplication: 'identity.cmd.get-application.v1',
  ReplaceRules: 'identity.cmd.replace-rules.v1',
  RotateSecret: 'identity.cmd.rotate-secret.v1',
  GetApplicationByClientId: 'identity.cmd.get-application-by-client-id.v1',
  VerifyClientSecret: 'identity.cmd.verify-client-secret.v1',
  GetRuleSet: 'identity.cmd.get-rule-set.v1',
  GetWebhookConfig: 'identity.cmd.get-webhook-config.v1',
  OAuthUpsert: 'identity.cmd.oauth-upsert.v1',
  OAuthFind: 'identity.cmd.oauth-find.v1',
  OAuthFindByUserCode: 'identity.cmd.oauth-find-by-user-code.v1',
  OAuthFindByUid: 'identity.cmd.oauth-find-by-uid.v1',
  OAuthConsume: 'identity.cmd.oauth-consume.v1',
  OAuthDestroy: 'identity.cmd.oauth-destroy.v1',
  OAuthRevokeByGrantId: 'identity.cmd.oauth-revoke-by-grant-id.v1',
  OAuthRevokeJti: 'identity.cmd.oauth-revoke-jti.v1',
  OAuthJtiStatus: 'identity.cmd.oauth-jti-status.v1',
  CreateDeviceInstance: 'identity.cmd.create-device-instance.v1',
  RevokeDeviceInstance: 'identity.cmd.revoke-device-instance.v1',
  RevokeDeviceInstanceByOAuthGrant: 'identity.cmd.revoke-device-instance-by-oauth-grant.v1',
  DeviceInstanceStatus: 'identity.cmd.device-instance-status.v1',
  ListDeviceInstances: 'identity.cmd.list-device-instances.v1',
  DeviceCodeAttempt: 'identity.cmd.device-code-attempt.v1',
  ReleaseDeviceCodeAttempt: 'identity.cmd.release-device-code-attempt.v1',
  DeviceCodePoll: 'identity.cmd.device-code-poll.v1',
} as const;

/** Events the identity service publishes through its outbox to JetStream (stream CAREVAULT_EVENTS). */
export const IdentityEvt = {
  SessionEnded: 'identity.evt.session-ended.v1',
  ApplicationRegistered: 'identity.evt.application-registered.v1',
  RuleSetChanged: 'identity.evt.rule-set-changed.v1',
  CustodianRemoved: 'identity.evt.custodian-removed.v1',
  DeviceInstanceRevoked: 'identity.evt.device-instance-revoked.v1',
} as const;

/** The envelope `type` of each identity event. */
export const IdentityEventType = {
  SessionEnded: 'session.ended',
  ApplicationRegistered: 'application.registered',
  RuleSetChanged: 'application.rule-set-changed',
  CustodianRemoved: 'record.custodian-removed',
  DeviceInstanceRevoked: 'device-instance.revoked',
} as const;

/**
 * Core NATS (not JetStream) cache invalidation, published by identity after a sign-out commits and
 * before it answers: gateways forget that the session was active. See docs/adr/001.
 */
export const SESSION_INVALIDATION_SUBJECT = 'identity.cache.session-ended.v1';

export interface SessionInvalidation {
  sessionId: string;
}

/**
 * Core NATS (not JetStream), published by identity after an access token's jti was denylisted
 * (revocation, refresh-token or code reuse): gateways refuse that token from then on. See TokenRevocation.
 */
export const TOKEN_REVOCATION_SUBJECT = 'identity.cache.token-revoked.v1';

/**
 * Core NATS (not JetStream), published by identity after a device instance was revoked and before it
 * answers: gateways forget that the instance was active, so its next data call is refused. See docs/adr/001.
 */
export const DEVICE_INSTANCE_INVALIDATION_SUBJECT = 'identity.cache.device-instance-revoked.v1';
