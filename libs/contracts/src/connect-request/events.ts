/**
 * Data of `connect-request.authorized`: a person picked up a connect request and authorized the
 * application on one of their records. partner-push passes it to the partner as it is, so it carries
 * no secrets (no code, answer, question or friendly name). One event per pickup.
 */
export interface ConnectRequestAuthorizedEvent {
  appId: string;
  externalId: string;
  personId: string;
  recordId: string;
  grantId: string;
  authorizedAt: string;
}
