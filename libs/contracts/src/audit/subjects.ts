// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).

/** Audit events, published (through an outbox) by the service where the action happened; stream CAREVAULT_AUDIT. */
export const AuditEvt = {
  DataAccessed: 'audit.evt.data-accessed.v1',
  Recorded: 'audit.evt.recorded.v1',
} as const;

/** The envelope `type` of each audit event. */
export const AuditEventType = {
  DataAccessed: 'audit.data-accessed',
  Recorded: 'audit.recorded',
} as const;

/** Request/reply subjects answered by the audit service (the gateway's operator API and the person's activity page). */
export const AuditCmd = {
  Query: 'audit.cmd.query.v1',
  RecordActivity: 'audit.cmd.record-activity.v1',
  ExportFhir: 'audit.cmd.export-fhir.v1',
  Verify: 'audit.cmd.verify.v1',
} as const;
