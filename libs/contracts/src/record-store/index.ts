// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).

/** Request/reply subjects of the record-store service, with their request and response types. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RecordStoreRpc {}

/** Events the record-store service publishes, by subject. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RecordStoreEvents {}
