import { randomUUID } from 'node:crypto';
import { chained, newEntry } from '../../test/entries';
import { type EntryRow, type StoredEntry, chainKeyOf } from '../ledger/entry';
import { type Sql, verifyChains } from './verify';

function toRow(e: StoredEntry): EntryRow {
  return {
    seq: e.seq, event_id: e.eventId, kind: e.kind, category: e.category, action: e.action, outcome: e.outcome, reason: e.reason,
    record_id: e.recordId, app_id: e.appId, instance_id: e.instanceId, person_id: e.personId, data_type: e.dataType, item_id: e.itemId,
    item_count: e.itemCount, permission: e.permission, mode: e.mode, correlation_id: e.correlationId, client_address: e.clientAddress,
    details: e.details, occurred_at: e.occurredAt, recorded_at: e.recordedAt, prev_hash: e.prevHash, hash: e.hash,
  };
}

/** Answers the verifier's few statements from arrays, the way PostgreSQL would. */
function fakeSql(entries: StoredEntry[], heads = headsOf(entries)): Sql {
  const sql = async (text: string, params: unknown[] = []): Promise<unknown[]> => {
    const recordId = text.includes('record_id = $1') ? (params[0] as string) : null;
    const scoped = entries.filter((e) => !recordId || e.recordId === recordId);
    if (/^(BEGIN|ROLLBACK)/.test(text)) return [];
    if (text.includes('count(*)')) return [{ n: String(scoped.length) }];
    if (text.includes('"audit"."entries"')) {
      const after = BigInt(params[params.length - 1] as string);
      const limit = Number(/LIMIT (\d+)/.exec(text)![1]);
      return scoped.filter((e) => BigInt(e.seq) > after).slice(0, limit).map(toRow);
    }
    const key = text.includes('chain_key = $1') ? (params[0] as string) : null;
    const after = params[params.length - 1] as string;
    return heads.filter((h) => (!key || h.chain_key === key) && h.chain_key > after).sort((a, b) => (a.chain_key < b.chain_key ? -1 : 1));
  };
  return sql as Sql;
}

function headsOf(entries: StoredEntry[]) {
  const last = new Map<string, StoredEntry>();
  for (const e of entries) last.set(chainKeyOf(e), e);
  return [...last].map(([chain_key, e]) => ({ chain_key, last_seq: e.seq, last_hash: e.hash }));
}

describe(verifyChains.name, () => {
  const records = [randomUUID(), randomUUID(), randomUUID()];
  const build = () => chained(Array.from({ length: 30 }, (_, i) => newEntry({ recordId: i % 4 === 3 ? null : records[i % 3]! })));

  it('passes intact chains and counts entries and chains', async () => {
    const progress: number[] = [];
    const sut = await verifyChains(fakeSql(build()), { batchSize: 7, onProgress: (n) => progress.push(n) });
    expect(sut).toEqual({ ok: true, entries: 30, chains: 4 });
    expect(progress).toEqual([7, 14, 21, 28, 30]);
  });

  it('names the changed entry: its recomputed hash differs from the stored one', async () => {
    const entries = build();
    entries[12] = { ...entries[12]!, outcome: 'denied' };
    const sut = await verifyChains(fakeSql(entries, headsOf(build())));
    expect(sut).toMatchObject({ ok: false, seq: '13', eventId: entries[12]!.eventId, chainKey: chainKeyOf(entries[12]!), found: entries[12]!.hash.toString('hex') });
    expect(sut.ok === false && sut.expected).not.toBe(entries[12]!.hash.toString('hex'));
  });

  it('names the entry after a removed one: its prev_hash no longer matches', async () => {
    const entries = build();
    const removed = entries[4]!;
    const next = entries.find((e, i) => i > 4 && e.recordId === removed.recordId)!;
    const sut = await verifyChains(fakeSql(entries.filter((e) => e !== removed), headsOf(entries)));
    expect(sut).toMatchObject({ ok: false, seq: next.seq, eventId: next.eventId, expected: entries[1]!.hash.toString('hex'), found: removed.hash.toString('hex') });
  });

  it('notices entries removed from the end of a chain through its head row', async () => {
    const entries = build();
    const lastOfChain = [...entries].reverse().find((e) => e.recordId === records[0])!;
    const sut = await verifyChains(fakeSql(entries.filter((e) => e !== lastOfChain), headsOf(entries)));
    expect(sut).toMatchObject({ ok: false, chainKey: records[0], expected: lastOfChain.hash.toString('hex') });
    expect(sut.ok === false && sut.problem).toMatch(/head says seq/);
  });

  it('walks one record chain only when asked', async () => {
    const sut = await verifyChains(fakeSql(build()), { recordId: records[1]! });
    expect(sut).toEqual({ ok: true, entries: 8, chains: 1 });
  });
});
