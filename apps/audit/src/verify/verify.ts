import type { VerifyAuditResponse } from '@carevault/contracts';
import { ENTRY_COLUMNS, type EntryRow, chainKeyOf, fromRow, hashEntry } from '../ledger/entry';

/** One connection's query function (TypeORM QueryRunner or pg Client alike): verification runs in one snapshot. */
export type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

export interface VerifyOptions {
  /** Only this record's chain; all chains when absent. */
  recordId?: string;
  batchSize?: number;
  onProgress?: (checked: number, total: number) => void;
}

type Broken = Extract<VerifyAuditResponse, { ok: false }>;
const hex = (b: Buffer | null | undefined): string | null => (b ? b.toString('hex') : null);
const same = (a: Buffer | null | undefined, b: Buffer | null | undefined): boolean => (!a && !b) || (!!a && !!b && a.equals(b));

/**
 * Walks the chains in seq order inside one REPEATABLE READ snapshot: every entry's prev_hash must be the
 * hash of the entry before it in its chain, its hash must be SHA-256(prev_hash || its canonical JSON), and
 * each chain must end where its head row says (entries removed at the end show there). Stops at the
 * first broken link. Memory: one hash per chain.
 */
export async function verifyChains(sql: Sql, o: VerifyOptions = {}): Promise<VerifyAuditResponse> {
  const batch = o.batchSize ?? 5000;
  const onlyKey = o.recordId ? o.recordId.toLowerCase() : null;
  await sql('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const scope = onlyKey ? 'record_id = $1' : 'TRUE';
    const scopeParams = onlyKey ? [onlyKey] : [];
    const [{ n }] = await sql<{ n: string }>(`SELECT count(*) AS n FROM "audit"."entries" WHERE ${scope}`, scopeParams);
    const total = Number(n);
    const last = new Map<string, { seq: string; hash: Buffer }>();
    let checked = 0;
    let after = '0';
    const broken = (b: Omit<Broken, 'ok' | 'entries' | 'chains'>): Broken => ({ ok: false, entries: checked, chains: last.size, ...b });
    for (;;) {
      const rows = await sql<EntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM "audit"."entries" WHERE ${scope} AND seq > $${scopeParams.length + 1} ORDER BY seq LIMIT ${batch}`,
        [...scopeParams, after],
      );
      for (const row of rows) {
        const e = fromRow(row);
        const chainKey = chainKeyOf(e);
        const prev = last.get(chainKey)?.hash ?? null;
        if (!same(prev, e.prevHash)) {
          return broken({ chainKey, seq: e.seq, eventId: e.eventId, expected: hex(prev), found: hex(e.prevHash), problem: 'prev_hash is not the hash of the entry before it in its chain (an entry was removed or changed)' });
        }
        const expected = hashEntry(prev, e);
        if (!expected.equals(e.hash)) {
          return broken({ chainKey, seq: e.seq, eventId: e.eventId, expected: hex(expected), found: hex(e.hash), problem: 'the stored entry does not match its hash (the entry was changed)' });
        }
        last.set(chainKey, { seq: e.seq, hash: e.hash });
        checked++;
      }
      if (rows.length > 0) o.onProgress?.(checked, total);
      if (rows.length < batch) break;
      after = fromRow(rows[rows.length - 1]!).seq;
    }
    const chains = last.size;
    const headBroken = await checkHeads(sql, last, onlyKey);
    if (headBroken) return { ok: false, entries: checked, chains, ...headBroken };
    return { ok: true, entries: checked, chains };
  } finally {
    await sql('ROLLBACK');
  }
}

/** Each chain must end at its head row; an entry-less head or a head-less chain is broken too. */
async function checkHeads(sql: Sql, last: Map<string, { seq: string; hash: Buffer }>, onlyKey: string | null): Promise<Omit<Broken, 'ok' | 'entries' | 'chains'> | null> {
  let after = '';
  for (;;) {
    const heads = await sql<{ chain_key: string; last_seq: string; last_hash: Buffer | null }>(
      onlyKey
        ? `SELECT chain_key, last_seq, last_hash FROM "audit"."chain_heads" WHERE chain_key = $1 AND chain_key > $2`
        : `SELECT chain_key, last_seq, last_hash FROM "audit"."chain_heads" WHERE chain_key > $1 ORDER BY chain_key LIMIT 10000`,
      onlyKey ? [onlyKey, after] : [after],
    );
    for (const h of heads) {
      const walked = last.get(h.chain_key);
      last.delete(h.chain_key);
      if (!walked && String(h.last_seq) === '0') continue;
      if (!walked || walked.seq !== String(h.last_seq) || !same(walked.hash, h.last_hash)) {
        return {
          chainKey: h.chain_key,
          seq: walked?.seq ?? null,
          eventId: null,
          expected: hex(h.last_hash),
          found: hex(walked?.hash),
          problem: `the chain ends at seq ${walked?.seq ?? 'none'} but its head says seq ${h.last_seq} (entries were removed from its end)`,
        };
      }
    }
    if (onlyKey || heads.length < 10000) break;
    after = heads[heads.length - 1]!.chain_key;
  }
  const [headless] = last.keys();
  if (headless === undefined) return null;
  const w = last.get(headless)!;
  return { chainKey: headless, seq: w.seq, eventId: null, expected: null, found: hex(w.hash), problem: `chain ${headless} has entries but no head row` };
}
