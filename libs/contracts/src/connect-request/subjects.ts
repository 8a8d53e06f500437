// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).

/** Request/reply subjects answered by the connect-request service (Patient Connect). */
export const ConnectRequestCmd = {
  /** POST /api/v1/connect-requests (application token). */
  Create: 'connect-request.cmd.create.v1',
  /** GET /api/v1/connect-requests/authorized (application token). */
  ListAuthorized: 'connect-request.cmd.list-authorized.v1',
  /** DELETE /api/v1/connect-requests/{externalId} (application token). */
  Delete: 'connect-request.cmd.delete.v1',
  /** PATCH /api/v1/connect-requests/{externalId} (application token). */
  ChangeExternalId: 'connect-request.cmd.change-external-id.v1',
  /** POST /connect `code` (signed-in person): the first step of a pickup. */
  EnterCode: 'connect-request.cmd.enter-code.v1',
  /** POST /connect `answer`: the second step. */
  Answer: 'connect-request.cmd.answer.v1',
  /** Where a pickup stands (to render /connect pages again, and to check before consent UpsertGrant). */
  GetTicket: 'connect-request.cmd.get-ticket.v1',
  /** After consent UpsertGrant (source 'connect'): records the pickup and announces it. */
  Complete: 'connect-request.cmd.complete.v1',
} as const;

/** Durable events (outbox → JetStream stream CAREVAULT_EVENTS). */
export const ConnectRequestEvt = {
  Authorized: 'connect-request.evt.authorized.v1',
} as const;

/** The envelope `type` of each event, as partners see it (API.md "Grant events for partners"). */
export const ConnectRequestEventType = {
  Authorized: 'connect-request.authorized',
} as const;
