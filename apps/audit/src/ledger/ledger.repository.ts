import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ENTRY_COLUMNS, type EntryRow, type NewEntry, PLATFORM_CHAIN, type StoredEntry, chainKeyOf, fromRow, hashEntry } from './entry';

const INSERT_COLUMNS = [
  'event_id', 'kind', 'category', 'action', 'outcome', 'reason', 'record_id', 'app_id', 'instance_id', 'person_id', 'data_type',
  'item_id', 'item_count', 'permission', 'mode', 'correlation_id', 'client_address', 'details', 'occurred_at', 'recorded_at', 'prev_hash', 'hash',
];

/** A batch held an event id that is already stored: its chain hashes were computed on a wrong premise. */
export class DuplicateInBatchError extends Error {
  constructor() {
    super('an event of the batch is already stored');
  }
}

export interface EntryFilter {
  recordId?: string;
  appId?: string;
  personId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  /** Leaves out this person's own reads of the audit trail (their activity page views). */
  hideReadsBy?: string;
}

export interface Keyset {
  occurredAt: string;
  seq: string;
}

@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /**
   * Appends entries (in this order) to their chains inside the caller's transaction. Each chain's head
   * row is locked first, in chain-key order, so that concurrent appenders (other replicas, reads being
   * audited) queue up behind each other instead of forking a chain. Returns how many were stored: an
   * entry whose event id is already stored is skipped when alone, and fails a batch.
   */
  async append(m: EntityManager, entries: NewEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const heads = await this.lockHeads(m, [...new Set(entries.map(chainKeyOf))].sort());
    const params: unknown[] = [];
    const values = entries.map((e) => {
      const key = chainKeyOf(e);
      const prev = heads.get(key) ?? null;
      const hash = hashEntry(prev, e);
      heads.set(key, hash);
      params.push(
        e.eventId, e.kind, e.category, e.action, e.outcome, e.reason, e.recordId, e.appId, e.instanceId, e.personId, e.dataType,
        e.itemId, e.itemCount, e.permission, e.mode, e.correlationId, e.clientAddress, e.details === null ? null : JSON.stringify(e.details),
        e.occurredAt, e.recordedAt, prev, hash,
      );
      const base = params.length - INSERT_COLUMNS.length;
      return `(${INSERT_COLUMNS.map((c, i) => `$${base + i + 1}${c === 'details' ? '::jsonb' : ''}`).join(', ')})`;
    });
    params.push(PLATFORM_CHAIN);
    const rows: Array<{ inserted: number }> = await m.query(
      `WITH e AS (
         INSERT INTO "audit"."entries" (${INSERT_COLUMNS.join(', ')}) VALUES ${values.join(', ')}
         ON CONFLICT ("event_id") DO NOTHING RETURNING seq, record_id, hash),
       last AS (
         SELECT DISTINCT ON (k) k, seq, hash FROM (SELECT COALESCE(record_id::text, $${params.length}) AS k, seq, hash FROM e) x ORDER BY k, seq DESC),
       u AS (
         UPDATE "audit"."chain_heads" h SET last_seq = last.seq, last_hash = last.hash FROM last WHERE h.chain_key = last.k RETURNING 1)
       SELECT (SELECT count(*) FROM e)::int AS inserted, (SELECT count(*) FROM u)::int AS heads`,
      params,
    );
    const inserted = rows[0]!.inserted;
    if (inserted < entries.length && entries.length > 1) throw new DuplicateInBatchError();
    return inserted;
  }

  /** Locks (creating when missing) the head rows of these chains, sorted; answers each chain's last hash. */
  private async lockHeads(m: EntityManager, keys: string[]): Promise<Map<string, Buffer | null>> {
    const lock = (k: string[]): Promise<Array<{ chain_key: string; last_hash: Buffer | null }>> =>
      m.query(`SELECT chain_key, last_hash FROM "audit"."chain_heads" WHERE chain_key = ANY($1::text[]) ORDER BY chain_key FOR UPDATE`, [k]);
    const heads = new Map((await lock(keys)).map((r) => [r.chain_key, r.last_hash]));
    const missing = keys.filter((k) => !heads.has(k));
    if (missing.length > 0) {
      await m.query(`INSERT INTO "audit"."chain_heads" (chain_key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [missing]);
      for (const r of await lock(missing)) heads.set(r.chain_key, r.last_hash);
    }
    return heads;
  }

  /** Newest first: (occurred_at DESC, seq DESC), after the keyset when given. */
  async find(filter: EntryFilter, after: Keyset | null, limit: number): Promise<StoredEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.recordId) add('record_id = ?', filter.recordId);
    if (filter.appId) add('app_id = ?', filter.appId);
    if (filter.personId) add('person_id = ?', filter.personId);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.hideReadsBy) add(`NOT (category = 'audit-read' AND person_id IS NOT DISTINCT FROM ?)`, filter.hideReadsBy);
    if (after) {
      params.push(after.occurredAt, after.seq);
      where.push(`(occurred_at, seq) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(limit);
    const rows: EntryRow[] = await this.dataSource.query(
      `SELECT ${ENTRY_COLUMNS} FROM "audit"."entries" ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY occurred_at DESC, seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(fromRow);
  }
}
