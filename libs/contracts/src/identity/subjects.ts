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
  RegisterApplication: 'identity.cmd.register-application.v1',
  GetApplication: 'identity.cmd.get-application.v1',
  ReplaceRules: 'identity.cmd.replace-rules.v1',
  RotateSecret: 'identity.cmd.rotate-secret.v1',
  GetApplicationByClientId: 'identity.cmd.get-application-by-client-id.v1',
  VerifyClientSecret: 'identity.cmd.verify-client-secret.v1',
  GetRuleSet: 'identity.cmd.get-rule-set.v1',
  GetWebhookConfig: 'identity.cmd.get-webhook-config.v1',
} as const;

/** Events the identity service publishes through its outbox to JetStream (stream CAREVAULT_EVENTS). */
export const IdentityEvt = {
  SessionEnded: 'identity.evt.session-ended.v1',
  ApplicationRegistered: 'identity.evt.application-registered.v1',
  RuleSetChanged: 'identity.evt.rule-set-changed.v1',
} as const;

/** The envelope `type` of each identity event. */
export const IdentityEventType = {
  SessionEnded: 'session.ended',
  ApplicationRegistered: 'application.registered',
  RuleSetChanged: 'application.rule-set-changed',
} as const;

/**
 * Core NATS (not JetStream) cache invalidation, published by identity after a sign-out commits and
 * before it answers: gateways forget that the session was active. See docs/adr/001.
 */
export const SESSION_INVALIDATION_SUBJECT = 'identity.cache.session-ended.v1';

export interface SessionInvalidation {
  sessionId: string;
}
