import type { AuditEntryKind, AuditEntryView, AuditOutcome } from '@carevault/contracts';
import { createHash } from 'node:crypto';

/** The chain of entries that belong to no record. */
export const PLATFORM_CHAIN = 'platform';

/** An entry as it is stored and hashed (everything but seq and the hashes); times at millisecond precision, as PostgreSQL gives them back. */
export type NewEntry = Omit<AuditEntryView, 'seq' | 'occurredAt' | 'recordedAt'> & { occurredAt: Date; recordedAt: Date };

export interface StoredEntry extends NewEntry {
  seq: string;
  prevHash: Buffer | null;
  hash: Buffer;
}

export function chainKeyOf(e: Pick<NewEntry, 'recordId'>): string {
  return e.recordId ?? PLATFORM_CHAIN;
}

/** JSON with object keys sorted at every level: one text per value, whatever the key order it was built in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/** The stored fields that the hash covers: all of them but seq (so that a hash never depends on insertion order across chains). */
export function hashedFields(e: NewEntry): Record<string, unknown> {
  return {
    eventId: e.eventId,
    kind: e.kind,
    category: e.category,
    action: e.action,
    outcome: e.outcome,
    reason: e.reason,
    recordId: e.recordId,
    appId: e.appId,
    instanceId: e.instanceId,
    personId: e.personId,
    dataType: e.dataType,
    itemId: e.itemId,
    itemCount: e.itemCount,
    permission: e.permission,
    mode: e.mode,
    correlationId: e.correlationId,
    clientAddress: e.clientAddress,
    details: e.details,
    occurredAt: e.occurredAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
  };
}

/** SHA-256(prev_hash || canonical JSON of the entry); the first entry of a chain has no prev_hash. */
export function hashEntry(prevHash: Buffer | null, e: NewEntry): Buffer {
  const h = createHash('sha256');
  if (prevHash) h.update(prevHash);
  h.update(canonicalJson(hashedFields(e)));
  return h.digest();
}

export interface EntryRow {
  seq: string;
  event_id: string;
  kind: AuditEntryKind;
  category: string;
  action: string;
  outcome: AuditOutcome;
  reason: string | null;
  record_id: string | null;
  app_id: string | null;
  instance_id: string | null;
  person_id: string | null;
  data_type: string | null;
  item_id: string | null;
  item_count: number | null;
  permission: string | null;
  mode: string | null;
  correlation_id: string | null;
  client_address: string | null;
  details: Record<string, string> | null;
  occurred_at: Date;
  recorded_at: Date;
  prev_hash: Buffer | null;
  hash: Buffer;
}

export const ENTRY_COLUMNS =
  'seq, event_id, kind, category, action, outcome, reason, record_id, app_id, instance_id, person_id, data_type, item_id, item_count, permission, mode, correlation_id, client_address, details, occurred_at, recorded_at, prev_hash, hash';

export function fromRow(r: EntryRow): StoredEntry {
  return {
    seq: String(r.seq),
    eventId: r.event_id,
    kind: r.kind,
    category: r.category,
    action: r.action,
    outcome: r.outcome,
    reason: r.reason,
    recordId: r.record_id,
    appId: r.app_id,
    instanceId: r.instance_id,
    personId: r.person_id,
    dataType: r.data_type,
    itemId: r.item_id,
    itemCount: r.item_count,
    permission: r.permission,
    mode: r.mode,
    correlationId: r.correlation_id,
    clientAddress: r.client_address,
    details: r.details,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function toView(e: StoredEntry): AuditEntryView {
  const { prevHash: _p, hash: _h, occurredAt, recordedAt, ...rest } = e;
  return { ...rest, occurredAt: occurredAt.toISOString(), recordedAt: recordedAt.toISOString() };
}
