import type { DeliveryStatus, DeliveryView } from '@carevault/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryResult } from 'typeorm';

const T = '"partner_push"."deliveries"';
const EVENTS = '"partner_push"."app_events"';
const UNFINISHED = `('pending', 'delivering', 'failed')`;

/** A delivery taken by this worker: `attempt` is its claim token (attempts after the claim). */
export interface ClaimedDelivery {
  id: string;
  appId: string;
  eventId: string;
  attempt: number;
  /** The feed payload text, byte-for-byte the webhook body. */
  body: string;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
  event_seq: string;
}

const VIEW_COLUMNS = `d."id", d."event_id", e."type" AS "event_type", d."status", d."attempts", d."last_status_code", d."last_error",
  d."next_attempt_at", d."created_at", d."delivered_at", d."event_seq"`;

export function toDeliveryView(r: DeliveryRow): DeliveryView {
  return {
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at ? r.next_attempt_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    deliveredAt: r.delivered_at ? r.delivered_at.toISOString() : null,
  };
}

const secs = (ms: number) => ms / 1000;

@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** UPDATE ... RETURNING: TypeORM's plain query() answers `[rows, count]` for an UPDATE; ask for the structured result. */
  private async returning<R>(sql: string, params: unknown[]): Promise<R[]> {
    const qr = this.dataSource.createQueryRunner();
    try {
      return ((await qr.query(sql, params, true)) as QueryResult<R>).records;
    } finally {
      await qr.release();
    }
  }

  /** In the consumer's transaction: a pending delivery of the feed event, due now. */
  async insert(m: EntityManager, d: { appId: string; eventId: string; eventSeq: string; horizonMs: number }): Promise<void> {
    await m.query(
      `INSERT INTO ${T} ("app_id", "event_id", "event_seq", "status", "next_attempt_at", "retry_until")
       VALUES ($1, $2, $3, 'pending', now(), now() + make_interval(secs => $4)) ON CONFLICT ("event_id") DO NOTHING`,
      [d.appId, d.eventId, d.eventSeq, secs(d.horizonMs)],
    );
  }

  /**
   * Takes up to `limit` deliveries, at most one per application: each application's oldest unfinished
   * delivery (by feed seq), when it is due, or when it is `delivering` with an expired lease (its worker
   * died). A later delivery never overtakes an earlier unfinished one. SKIP LOCKED plus the status check
   * (re-evaluated on rows another replica changed meanwhile) let several replicas claim side by side.
   */
  async claim(limit: number, leaseMs: number, busyApps: string[]): Promise<ClaimedDelivery[]> {
    const rows = await this.returning<{ id: string; app_id: string; event_id: string; attempts: number; body: string }>(
      `WITH heads AS (
         SELECT DISTINCT ON ("app_id") "id" FROM ${T} WHERE "status" IN ${UNFINISHED} ORDER BY "app_id", "event_seq"
       ), due AS (
         SELECT d."id" FROM ${T} d JOIN heads h ON h."id" = d."id"
         WHERE ((d."status" IN ('pending', 'failed') AND d."next_attempt_at" <= now())
             OR (d."status" = 'delivering' AND d."lease_until" <= now()))
           AND d."app_id" <> ALL($3::uuid[])
         ORDER BY d."next_attempt_at" LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE ${T} d SET "status" = 'delivering', "attempts" = d."attempts" + 1,
         "lease_until" = now() + make_interval(secs => $2), "updated_at" = now()
       FROM due, ${EVENTS} e WHERE d."id" = due."id" AND e."seq" = d."event_seq"
       RETURNING d."id", d."app_id", d."event_id", d."attempts", e."payload"::text AS "body"`,
      [limit, secs(leaseMs), busyApps],
    );
    return rows.map((r) => ({ id: r.id, appId: r.app_id, eventId: r.event_id, attempt: r.attempts, body: r.body }));
  }

  /** Records a 2xx. False when the claim was lost meanwhile (lease expired and retaken, or redelivered). */
  async succeed(d: ClaimedDelivery, statusCode: number): Promise<boolean> {
    const rows = await this.returning(
      `UPDATE ${T} SET "status" = 'succeeded', "delivered_at" = now(), "last_status_code" = $3, "last_error" = NULL,
         "next_attempt_at" = NULL, "lease_until" = NULL, "updated_at" = now()
       WHERE "id" = $1 AND "status" = 'delivering' AND "attempts" = $2 RETURNING 1`,
      [d.id, d.attempt, statusCode],
    );
    return rows.length > 0;
  }

  /**
   * Records a failed attempt: `failed` and due again after `delayMs` (never later than retry_until, so
   * the last attempt happens at the horizon), or `dead` once the horizon has passed. Null when the claim
   * was lost meanwhile.
   */
  async fail(d: ClaimedDelivery, statusCode: number | null, error: string, delayMs: number): Promise<{ status: DeliveryStatus; nextAttemptAt: Date | null } | null> {
    const rows = await this.returning<{ status: DeliveryStatus; next_attempt_at: Date | null }>(
      `UPDATE ${T} SET
         "status" = CASE WHEN now() >= "retry_until" THEN 'dead' ELSE 'failed' END,
         "next_attempt_at" = CASE WHEN now() >= "retry_until" THEN NULL ELSE LEAST(now() + make_interval(secs => $5), "retry_until") END,
         "last_status_code" = $3, "last_error" = $4, "lease_until" = NULL, "updated_at" = now()
       WHERE "id" = $1 AND "status" = 'delivering' AND "attempts" = $2 RETURNING "status", "next_attempt_at"`,
      [d.id, d.attempt, statusCode, error.slice(0, 200), secs(delayMs)],
    );
    const r = rows[0];
    return r ? { status: r.status, nextAttemptAt: r.next_attempt_at } : null;
  }

  /** Gives up at once (the application has no webhook URL any more). */
  async kill(d: ClaimedDelivery, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${T} SET "status" = 'dead', "last_status_code" = NULL, "last_error" = $3, "next_attempt_at" = NULL, "lease_until" = NULL, "updated_at" = now()
       WHERE "id" = $1 AND "status" = 'delivering' AND "attempts" = $2`,
      [d.id, d.attempt, error.slice(0, 200)],
    );
  }

  /** Newest first (by feed seq), after the `beforeSeq` keyset position. */
  async list(appId: string, status: DeliveryStatus | undefined, beforeSeq: string | null, limit: number): Promise<DeliveryRow[]> {
    const params: unknown[] = [appId, limit];
    let where = `d."app_id" = $1`;
    if (status) where += ` AND d."status" = $${params.push(status)}`;
    if (beforeSeq) where += ` AND d."event_seq" < $${params.push(beforeSeq)}::bigint`;
    return this.dataSource.query(
      `SELECT ${VIEW_COLUMNS} FROM ${T} d JOIN ${EVENTS} e ON e."seq" = d."event_seq"
       WHERE ${where} ORDER BY d."event_seq" DESC LIMIT $2`,
      params,
    );
  }

  /** Back to pending, due now, attempts kept, horizon restarted. Null when the application has no such delivery. */
  async redeliver(appId: string, deliveryId: string, horizonMs: number): Promise<DeliveryRow | null> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `WITH d AS (
         UPDATE ${T} SET "status" = 'pending', "next_attempt_at" = now(), "lease_until" = NULL, "delivered_at" = NULL,
           "retry_until" = now() + make_interval(secs => $3), "updated_at" = now()
         WHERE "id" = $1 AND "app_id" = $2 RETURNING *)
       SELECT ${VIEW_COLUMNS} FROM d JOIN ${EVENTS} e ON e."seq" = d."event_seq"`,
      [deliveryId, appId, secs(horizonMs)],
    );
    return rows[0] ?? null;
  }
}

export type { DeliveryRow };
