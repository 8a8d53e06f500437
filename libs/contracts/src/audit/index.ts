// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).

/** Request/reply subjects of the audit service, with their request and response types. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuditRpc {}

/** Events the audit service publishes, by subject. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuditEvents {}
