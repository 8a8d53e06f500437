import { AuditEvt, AuditRecordedEvent, DataAccessedEvent, type EventEnvelope } from '@carevault/contracts';
import { flattenValidationErrors } from '@carevault/platform';
import { plainToInstance } from 'class-transformer';
import { isUUID, validateSync } from 'class-validator';
import type { NewEntry } from '../ledger/entry';

/** An audit event that cannot be stored as it is; the consumer leaves it to retries and the dead-letter stream. */
export class InvalidAuditEvent extends Error {
  constructor(subject: string, problems: string[]) {
    super(`${subject}: ${problems.join('; ')}`);
    this.name = 'InvalidAuditEvent';
  }
}

const lower = (id: string | null | undefined): string | null => (id ? id.toLowerCase() : null);
/** PostgreSQL text cannot hold NUL; take it out before hashing so that what is hashed is what is stored. */
const clean = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : s.replace(/\0/g, ''));

function validated<T extends object>(cls: new () => T, subject: string, data: unknown): T {
  const dto = plainToInstance(cls, data ?? {});
  const errors = validateSync(dto, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new InvalidAuditEvent(subject, flattenValidationErrors(errors).map((e) => `${e.field}: ${e.message}`));
  return dto;
}

/** Dates at millisecond precision, as JavaScript keeps them, so that a hash recomputed from the stored row matches. */
function instant(iso: string): Date {
  return new Date(new Date(iso).getTime());
}

/** The entry an audit event becomes. Throws InvalidAuditEvent for an unknown subject or invalid data. */
export function toEntry(subject: string, event: EventEnvelope, recordedAt: Date): NewEntry {
  if (!isUUID(event.eventId)) throw new InvalidAuditEvent(subject, ['eventId must be a UUID']);
  switch (subject) {
    case AuditEvt.DataAccessed:
      return fromDataAccessed(event, validated(DataAccessedEvent, subject, event.data), recordedAt);
    case AuditEvt.Recorded:
      return fromRecorded(event, validated(AuditRecordedEvent, subject, event.data), recordedAt);
    default:
      throw new InvalidAuditEvent(subject, ['not an audit event this service knows']);
  }
}

function fromDataAccessed(event: EventEnvelope, d: DataAccessedEvent, recordedAt: Date): NewEntry {
  // A list call names the data types it queried; one type fits the column as is, several are kept comma-separated.
  const dataType = d.dataType ?? (d.dataTypes?.length ? d.dataTypes.join(',') : null);
  return {
    eventId: event.eventId.toLowerCase(),
    kind: 'data-access',
    category: 'data',
    action: d.permission,
    outcome: d.outcome,
    reason: clean(d.reason),
    recordId: lower(d.recordId),
    appId: lower(d.appId),
    instanceId: lower(d.instanceId),
    personId: lower(d.personId),
    dataType: clean(dataType),
    itemId: lower(d.itemId),
    itemCount: d.itemCount ?? null,
    permission: d.permission,
    mode: d.mode,
    correlationId: clean(d.correlationId ?? event.correlationId),
    clientAddress: clean(d.clientAddress),
    details: null,
    occurredAt: instant(d.at),
    recordedAt,
  };
}

function fromRecorded(event: EventEnvelope, d: AuditRecordedEvent, recordedAt: Date): NewEntry {
  // A `reason` in details goes to the reason column, as a data access's does.
  const { reason, ...rest } = d.details ?? {};
  const details = Object.keys(rest).length > 0 ? Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, clean(v)!])) : null;
  return {
    eventId: event.eventId.toLowerCase(),
    kind: 'recorded',
    category: d.category,
    action: d.action,
    outcome: d.outcome,
    reason: clean(reason),
    recordId: lower(d.recordId),
    appId: lower(d.appId),
    instanceId: lower(d.instanceId),
    personId: lower(d.personId),
    dataType: null,
    itemId: null,
    itemCount: null,
    permission: null,
    mode: null,
    correlationId: clean(d.correlationId ?? event.correlationId),
    clientAddress: clean(d.clientAddress),
    details,
    occurredAt: instant(d.at),
    recordedAt,
  };
}
