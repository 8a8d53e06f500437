// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).
import type { DataAccessedEvent } from './data-accessed';
import type {
  AuditEntryList,
  AuditQueryRequest,
  ExportFhirRequest,
  ExportFhirResponse,
  RecordActivityList,
  RecordActivityRequest,
  VerifyAuditRequest,
  VerifyAuditResponse,
} from './queries';
import type { AuditRecordedEvent } from './recorded';
import type { AuditCmd, AuditEvt } from './subjects';

export * from './data-accessed';
export * from './queries';
export * from './recorded';
export * from './subjects';

/** Request/reply subjects of the audit service, with their request and response types. */
export interface AuditRpc {
  [AuditCmd.Query]: { request: AuditQueryRequest; response: AuditEntryList };
  [AuditCmd.RecordActivity]: { request: RecordActivityRequest; response: RecordActivityList };
  [AuditCmd.ExportFhir]: { request: ExportFhirRequest; response: ExportFhirResponse };
  [AuditCmd.Verify]: { request: VerifyAuditRequest; response: VerifyAuditResponse };
}

/** Audit events by subject (the envelope's `data`); the audit service consumes them. */
export interface AuditEvents {
  [AuditEvt.DataAccessed]: DataAccessedEvent;
  [AuditEvt.Recorded]: AuditRecordedEvent;
}
