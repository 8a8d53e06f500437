import { Batcher, type BatcherOptions, type NewEvent, OutboxWriter, envelopeOf } from '@carevault/platform';
import type { EventEnvelope } from '@carevault/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ItemCursor } from './cursor';
import type { ItemVersionEntity } from './item-version.entity';
import type { ItemEntity } from './item.entity';

const ITEMS = '"record_store"."items"';
const VERSIONS = '"record_store"."item_versions"';

const ITEM_COLUMNS = `"id", "record_id" AS "recordId", "type", "version", "version_stamp" AS "versionStamp",
  "effective_date" AS "effectiveDate", "resource", "state", "created_at" AS "createdAt", "created_app_id" AS "createdAppId",
  "created_person_id" AS "createdPersonId", "created_instance_id" AS "createdInstanceId", "created_mode" AS "createdMode",
  "updated_at" AS "updatedAt", "updated_app_id" AS "updatedAppId", "updated_person_id" AS "updatedPersonId",
  "updated_instance_id" AS "updatedInstanceId", "updated_mode" AS "updatedMode", "deleted_at" AS "deletedAt"`;

/** The names ITEM_COLUMNS answers under (`"record_id" AS "recordId"` → `"recordId"`). */
const ITEM_ALIASES = ITEM_COLUMNS.split(',').map((c) => c.trim().split(/\s+AS\s+/).pop()!);

const VERSION_COLUMNS = `"item_id" AS "itemId", "version", "version_stamp" AS "versionStamp", "effective_date" AS "effectiveDate",
  "resource", "state", "at", "app_id" AS "appId", "person_id" AS "personId", "instance_id" AS "instanceId", "mode"`;

/** The columns of the version written with each change of an item, taken from the item row the statement wrote. */
const VERSION_FROM_ROW = `INSERT INTO ${VERSIONS}
  ("item_id", "version", "version_stamp", "effective_date", "resource", "state", "at", "app_id", "person_id", "instance_id", "mode")
  SELECT "id", "version", "version_stamp", "effective_date", "resource", "state", "updated_at", "updated_app_id",
    "updated_person_id", "updated_instance_id", "updated_mode" FROM w`;

function listSql(q: ListQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [q.recordId];
  const where = [`"record_id" = $1`, `"state" = 'active'`];
  const param = (v: unknown) => `$${params.push(v)}`;
  where.push(q.types.length === 1 ? `"type" = ${param(q.types[0])}` : `"type" = ANY(${param(q.types)}::text[])`);
  if (q.effectiveFrom) where.push(`"effective_date" >= ${param(q.effectiveFrom)}`);
  if (q.effectiveTo) where.push(`"effective_date" <= ${param(q.effectiveTo)}`);
  if (q.updatedSince) where.push(`"updated_at" >= ${param(q.updatedSince)}`);
  if (q.after) where.push(`("effective_date", "id") < (${param(q.after.effectiveDate)}::timestamptz, ${param(q.after.id)}::uuid)`);
  const sql = `SELECT ${ITEM_COLUMNS} FROM ${ITEMS} WHERE ${where.join(' AND ')}
       ORDER BY "effective_date" DESC, "id" DESC LIMIT ${param(q.limit)}`;
  return { sql, params };
}

export type ReadReason = 'permitted' | 'not-permitted' | 'not-found';

export interface ReadResult {
  item: ItemEntity | null;
  reason: ReadReason;
  audited: boolean;
}

/** One read of a batch: the arguments of `readAudited`. */
interface ReadRequest {
  recordId: string;
  itemId: string;
  readable: string[];
  subject: string;
  /**
   * The audit event's envelope, its id fixed when the read is asked for: if a batch is ever run again
   * (see Batcher), a read that did commit fails on the outbox's unique event id instead of being audited twice.
   */
  envelope: EventEnvelope<unknown>;
}

/** One insert of a batch: the arguments of `insert`. */
interface InsertRequest {
  item: ItemEntity;
  events: NewEvent<unknown>[];
}

/**
 * Statements running at once, per kind (each holds one of the record store's 6 pooled connections). Two
 * batch more than four did at c = 16 and 64, for less CPU per access (docs/performance.md), and leave
 * connections for the outbox relay and everything else.
 */
const READS_IN_FLIGHT = 2;
const READS_PER_BATCH = 64;
const WRITES_IN_FLIGHT = 2;
const WRITES_PER_BATCH = 32;

export interface ListQuery {
  recordId: string;
  types: string[];
  effectiveFrom?: Date;
  effectiveTo?: Date;
  updatedSince?: Date;
  after?: ItemCursor;
  limit: number;
}

/**
 * Runs a statement on the pg connection directly (no TypeORM layer), as a named prepared statement when
 * `name` is given: parsed and planned once per connection instead of on every call (the CTE statements
 * cost PostgreSQL about twice the CPU when planned each time: 0.36 vs 0.19 ms for a read, measured alone).
 *
 * Name only statements whose plan cannot depend on table sizes, such as inserts: a cached plan is kept
 * until the table is analyzed again, so a join planned while `items` was small (a sequential scan) stays a
 * sequential scan after it has grown to 100k rows (40 ms a statement instead of 0.4, measured) until
 * autovacuum gets to it. Named statements list their result columns explicitly (so a migration that adds a
 * column cannot change a cached plan's result type).
 */
async function prepared<T = unknown>(m: EntityManager, name: string | null, text: string, values: unknown[]): Promise<T[]> {
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as { query(q: { name?: string; text: string; values: unknown[] }): Promise<{ rows: T[] }> };
    return (await client.query(name ? { name, text, values } : { text, values })).rows;
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

/** A Batcher per EntityManager, made on first use; inside a transaction (a query runner) the request runs alone on it. */
class BatchingByManager<Req, Res> {
  private readonly batchers = new WeakMap<EntityManager, Batcher<Req, Res>>();

  constructor(
    private readonly execute: (m: EntityManager, batch: Req[]) => Promise<Res[]>,
    private readonly options: BatcherOptions,
  ) {}

  async run(m: EntityManager, req: Req): Promise<Res> {
    if (m.queryRunner) return (await this.execute(m, [req]))[0]!;
    let batcher = this.batchers.get(m);
    if (!batcher) this.batchers.set(m, (batcher = new Batcher((batch: Req[]) => this.execute(m, batch), this.options)));
    return batcher.run(req);
  }

  /** Statements run so far on `m` and the requests in them. */
  stats(m: EntityManager): { batches: number; requests: number } {
    return { ...(this.batchers.get(m)?.stats ?? { batches: 0, requests: 0 }) };
  }
}

/** The only place with SQL. Each write is one statement (item and its version together, via a CTE). */
@Injectable()
export class ItemsRepository {
  constructor(private readonly outbox: OutboxWriter) {}

  /**
   * Inserts the item, its first version and `events` (its audit event) in ONE statement: a statement is
   * its own transaction, so all three commit together, in one round trip instead of four
   * (BEGIN, insert, audit insert, COMMIT). Outside a transaction, inserts are batched like reads (see
   * `readAudited`): each item still commits exactly with its version and its events.
   */
  async insert(m: EntityManager, i: ItemEntity, events: NewEvent<unknown>[] = []): Promise<void> {
    await this.inserts.run(m, { item: i, events });
  }

  private readonly inserts = new BatchingByManager<InsertRequest, true>((m, batch) => this.insertBatch(m, batch), {
    maxInFlight: WRITES_IN_FLIGHT,
    maxBatch: WRITES_PER_BATCH,
  });

  /** Statements run so far on `m` by the batched reads and inserts, and the requests in them. */
  batchStats(m: EntityManager): Record<'reads' | 'inserts', { batches: number; requests: number }> {
    return { reads: this.reads.stats(m), inserts: this.inserts.stats(m) };
  }

  /** Items, their first versions and their events: one statement whatever the batch size (one prepared plan). */
  private async insertBatch(m: EntityManager, batch: InsertRequest[]): Promise<true[]> {
    const rows = batch.map(({ item: i, events }) => ({
      id: i.id,
      recordId: i.recordId,
      type: i.type,
      version: i.version,
      versionStamp: i.versionStamp,
      effectiveDate: i.effectiveDate,
      resource: i.resource,
      state: i.state,
      createdAt: i.createdAt,
      createdAppId: i.createdAppId,
      createdPersonId: i.createdPersonId,
      createdInstanceId: i.createdInstanceId,
      createdMode: i.createdMode,
      events: events.map((e) => {
        const envelope = envelopeOf(e);
        return { eventId: envelope.eventId, subject: e.subject, envelope };
      }),
    }));
    await prepared(
      m,
      'rs_insert_items',
      `WITH req AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("id" uuid, "recordId" uuid, "type" text, "version" integer,
          "versionStamp" text, "effectiveDate" timestamptz, "resource" jsonb, "state" text, "createdAt" timestamptz,
          "createdAppId" uuid, "createdPersonId" uuid, "createdInstanceId" uuid, "createdMode" text, "events" jsonb)),
      w AS (
        INSERT INTO ${ITEMS} ("id", "record_id", "type", "version", "version_stamp", "effective_date", "resource", "state",
          "created_at", "created_app_id", "created_person_id", "created_instance_id", "created_mode",
          "updated_at", "updated_app_id", "updated_person_id", "updated_instance_id", "updated_mode", "deleted_at")
        SELECT "id", "recordId", "type", "version", "versionStamp", "effectiveDate", "resource", "state",
          "createdAt", "createdAppId", "createdPersonId", "createdInstanceId", "createdMode",
          "createdAt", "createdAppId", "createdPersonId", "createdInstanceId", "createdMode", NULL
        FROM req
        RETURNING *),
      a AS (
        INSERT INTO ${this.outbox.table} ("event_id", "subject", "envelope")
        SELECT (e->>'eventId')::uuid, e->>'subject', e->'envelope' FROM req, jsonb_array_elements(req."events") AS e)
      ${VERSION_FROM_ROW}`,
      [JSON.stringify(rows)],
    );
    return batch.map(() => true as const);
  }

  /**
   * A read in ONE statement (one transaction, one round trip): the item (deleted ones too) if it belongs
   * to the record, the read's reason — `not-found` (none, or deleted), `permitted` (active and of a type
   * in `readable`), `not-permitted` — and its audit event, written into the outbox by the same statement
   * from the `template` envelope with `data.outcome`, `data.reason` and `data.dataType` (the item's type,
   * null when there is none) set to match. `audited` says that the audit row was written.
   *
   * Reads outside a transaction are batched (see Batcher): while every slot is busy, the reads that arrive
   * go together into the next statement, each with its own item, permissions and audit row. A statement is
   * a transaction, so each read still commits exactly with its audit row; a batch shares one commit.
   */
  async readAudited(m: EntityManager, recordId: string, itemId: string, readable: string[], template: NewEvent<unknown>): Promise<ReadResult> {
    return this.reads.run(m, { recordId, itemId, readable, subject: template.subject, envelope: envelopeOf(template) });
  }

  private readonly reads = new BatchingByManager<ReadRequest, ReadResult>((m, batch) => this.readBatch(m, batch), {
    maxInFlight: READS_IN_FLIGHT,
    maxBatch: READS_PER_BATCH,
  });

  /**
   * The reads of a batch, their reasons and audit rows: one statement whatever the batch size. Planned on
   * every call (not a named statement): its join must see the table as it is now (see `prepared`); with
   * batching, the planning is shared by the reads of a batch.
   */
  private async readBatch(m: EntityManager, batch: ReadRequest[]): Promise<ReadResult[]> {
    const requests = batch.map(({ recordId, itemId, readable, subject, envelope }, n) => ({ n, itemId, recordId, readable, eventId: envelope.eventId, subject, envelope }));
    const rows = await prepared<ItemEntity & { n: number; reason: ReadReason; audited: boolean }>(
      m,
      null,
      `WITH req AS (
        SELECT (r->>'n')::int AS n, (r->>'itemId')::uuid AS item_id, (r->>'recordId')::uuid AS record_id,
          ARRAY(SELECT jsonb_array_elements_text(r->'readable')) AS readable,
          (r->>'eventId')::uuid AS event_id, r->>'subject' AS subject, r->'envelope' AS envelope
        FROM jsonb_array_elements($1::jsonb) AS r),
      d AS (
        SELECT req.n, req.event_id, req.subject, req.envelope, i.*,
          (CASE WHEN i."id" IS NULL OR i."state" <> 'active' THEN 'not-found'
                WHEN i."type" = ANY(req.readable) THEN 'permitted' ELSE 'not-permitted' END)::text AS "reason"
        FROM req LEFT JOIN LATERAL (SELECT ${ITEM_COLUMNS} FROM ${ITEMS} WHERE "id" = req.item_id AND "record_id" = req.record_id) i ON true),
      a AS (
        INSERT INTO ${this.outbox.table} ("event_id", "subject", "envelope")
        SELECT d.event_id, d.subject, jsonb_set(jsonb_set(jsonb_set(d.envelope,
            '{data,outcome}', to_jsonb((CASE d."reason" WHEN 'permitted' THEN 'allowed' ELSE 'denied' END)::text)),
            '{data,reason}', to_jsonb(d."reason")),
            '{data,dataType}', COALESCE(to_jsonb(d."type"), 'null'::jsonb))
        FROM d
        RETURNING "event_id")
      SELECT d.n, ${ITEM_ALIASES.map((c) => `d.${c}`).join(', ')}, d."reason",
        EXISTS (SELECT 1 FROM a WHERE a."event_id" = d.event_id) AS "audited"
      FROM d ORDER BY d.n`,
      [JSON.stringify(requests)],
    );
    if (rows.length !== batch.length) throw new Error(`a read batch of ${batch.length} answered ${rows.length} rows`);
    return rows.map((row, i) => {
      if (row.n !== i) throw new Error(`a read batch answered row ${row.n} in place ${i}`);
      const { n: _n, reason, audited, ...item } = row;
      return { item: item.id ? (item as ItemEntity) : null, reason, audited };
    });
  }

  /** The item (deleted ones too) if it belongs to the record. */
  async find(m: EntityManager, recordId: string, itemId: string): Promise<ItemEntity | null> {
    const rows: ItemEntity[] = await m.query(`SELECT ${ITEM_COLUMNS} FROM ${ITEMS} WHERE "id" = $1 AND "record_id" = $2`, [itemId, recordId]);
    return rows[0] ?? null;
  }

  /**
   * Writes `next` (its version, stamp, content, state, updated_*) only if the item still has
   * `expectedStamp`: of concurrent writers with the same stamp exactly one wins, the others find no row.
   */
  async update(m: EntityManager, next: ItemEntity, expectedStamp: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `WITH w AS (
        UPDATE ${ITEMS} SET "version" = "version" + 1, "version_stamp" = $3, "effective_date" = $4, "resource" = $5::jsonb,
          "state" = $6, "updated_at" = $7, "updated_app_id" = $8, "updated_person_id" = $9, "updated_instance_id" = $10,
          "updated_mode" = $11, "deleted_at" = $12
        WHERE "id" = $1 AND "version_stamp" = $2 AND "state" = 'active'
        RETURNING *)
      ${VERSION_FROM_ROW} RETURNING "version"`,
      [next.id, expectedStamp, next.versionStamp, next.effectiveDate, JSON.stringify(next.resource), next.state,
        next.updatedAt, next.updatedAppId, next.updatedPersonId, next.updatedInstanceId, next.updatedMode, next.deletedAt],
    );
    return rows.length === 1;
  }

  /** Active items, newest effective date first, keyset after `after`; uses the (record_id[, type], effective_date DESC, id DESC) indexes. */
  async list(m: EntityManager, q: ListQuery): Promise<ItemEntity[]> {
    const { sql, params } = listSql(q);
    return m.query(sql, params);
  }

  /**
   * `list` and its audit event in ONE statement (it commits exactly with the read, one round trip):
   * `allowed.data.itemCount` is set to the size of the page, min(rows, `pageSize`); the query fetches
   * `q.limit` rows (pageSize + 1, to know whether there are more).
   */
  async listAuditing(m: EntityManager, q: ListQuery, pageSize: number, allowed: NewEvent<unknown>): Promise<ItemEntity[]> {
    const { sql, params } = listSql(q);
    const envelope = envelopeOf(allowed);
    const n = params.length;
    return m.query(
      `WITH r AS (${sql}),
      a AS (
        INSERT INTO ${this.outbox.table} ("event_id", "subject", "envelope")
        SELECT $${n + 1}, $${n + 2}, jsonb_set($${n + 3}::jsonb, '{data,itemCount}', to_jsonb(LEAST(count(*), $${n + 4}::int))) FROM r)
      SELECT * FROM r ORDER BY "effectiveDate" DESC, "id" DESC`,
      [...params, envelope.eventId, allowed.subject, JSON.stringify(envelope), pageSize],
    );
  }

  async versions(m: EntityManager, itemId: string, limit: number, beforeVersion?: number): Promise<ItemVersionEntity[]> {
    const before = beforeVersion === undefined ? '' : 'AND "version" < $3';
    return m.query(
      `SELECT ${VERSION_COLUMNS} FROM ${VERSIONS} WHERE "item_id" = $1 ${before} ORDER BY "version" DESC LIMIT $2`,
      beforeVersion === undefined ? [itemId, limit] : [itemId, limit, beforeVersion],
    );
  }
}
