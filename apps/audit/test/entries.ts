import type { AuditEntryView } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { type NewEntry, type StoredEntry, chainKeyOf, hashEntry } from '../src/ledger/entry';

/** A data-access entry; override what the test is about. */
export function newEntry(over: Partial<NewEntry> = {}): NewEntry {
  return {
    eventId: randomUUID(),
    kind: 'data-access',
    category: 'data',
    action: 'read',
    outcome: 'allowed',
    reason: 'permitted',
    recordId: randomUUID(),
    appId: randomUUID(),
    instanceId: null,
    personId: null,
    dataType: 'Observation',
    itemId: randomUUID(),
    itemCount: null,
    permission: 'read',
    mode: 'offline',
    correlationId: null,
    clientAddress: '203.0.113.7',
    details: null,
    occurredAt: new Date('2026-11-29T10:00:00.123Z'),
    recordedAt: new Date('2026-11-29T10:00:00.456Z'),
    ...over,
  };
}

export function entryView(over: Partial<AuditEntryView> = {}): AuditEntryView {
  const { occurredAt, recordedAt, ...rest } = newEntry();
  return { seq: '1', ...rest, occurredAt: occurredAt.toISOString(), recordedAt: recordedAt.toISOString(), ...over };
}

/** Entries chained the way the ledger stores them, with seq in order. */
export function chained(entries: NewEntry[]): StoredEntry[] {
  const last = new Map<string, Buffer | null>();
  return entries.map((e, i) => {
    const prevHash = last.get(chainKeyOf(e)) ?? null;
    const hash = hashEntry(prevHash, e);
    last.set(chainKeyOf(e), hash);
    return { ...e, seq: String(i + 1), prevHash, hash };
  });
}
