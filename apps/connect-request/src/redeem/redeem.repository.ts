import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { T, rowsOf } from '../db';
import type { RequestState } from '../requests/request.entity';

export interface RedeemableRequest {
  id: string;
  app_id: string;
  question: string;
  wrong_attempts: number;
}

/** A ticket with its request; times compared in the database, so that replicas share one clock. */
export interface TicketRow {
  id: string;
  request_id: string;
  expires_at: Date;
  live: boolean;
  answered: boolean;
  completed: boolean;
  app_id: string;
  external_id: string;
  question: string;
  friendly_name: string;
  state: RequestState;
  /** The request can still be picked up (pending or authorized, not expired). */
  redeemable: boolean;
  wrong_attempts: number;
}

export interface PickupRow {
  authorized_at: Date;
  record_id: string;
  grant_id: string;
}

@Injectable()
export class RedeemRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /** Unknown, expired, locked and deleted requests alike: null (one indexed query whatever the reason). */
  async findRedeemable(codeHash: Buffer, maxAttempts: number): Promise<RedeemableRequest | null> {
    const rows = await rowsOf<RedeemableRequest>(
      this.dataSource,
      `SELECT "id", "app_id", "question", "wrong_attempts" FROM ${T.requests}
       WHERE "code_hash" = $1 AND "state" IN ('pending', 'authorized') AND "expires_at" > now() AND "wrong_attempts" < $2`,
      [codeHash, maxAttempts],
    );
    return rows[0] ?? null;
  }

  async insertTicket(tokenHash: Buffer, requestId: string, personId: string, ttlMinutes: number, db: DataSource | EntityManager = this.dataSource): Promise<Date> {
    const rows = await rowsOf<{ expires_at: Date }>(
      db,
      `INSERT INTO ${T.tickets} ("token_hash", "request_id", "person_id", "expires_at")
       VALUES ($1, $2, $3, now() + make_interval(mins => $4)) RETURNING "expires_at"`,
      [tokenHash, requestId, personId, ttlMinutes],
    );
    return rows[0]!.expires_at;
  }

  async findTicket(tokenHash: Buffer, personId: string): Promise<TicketRow | null> {
    const rows = await rowsOf<TicketRow>(
      this.dataSource,
      `SELECT t."id", t."request_id", t."expires_at", t."expires_at" > now() AS "live",
              t."answered_at" IS NOT NULL AS "answered", t."completed_at" IS NOT NULL AS "completed",
              r."app_id", r."external_id", r."question", r."friendly_name", r."state", r."wrong_attempts",
              r."state" IN ('pending', 'authorized') AND r."expires_at" > now() AS "redeemable"
       FROM ${T.tickets} t JOIN ${T.requests} r ON r."id" = t."request_id"
       WHERE t."token_hash" = $1 AND t."person_id" = $2`,
      [tokenHash, personId],
    );
    return rows[0] ?? null;
  }

  /**
   * Takes one of the request's answer attempts before the (slow) Argon2 check, atomically: at most
   * `maxAttempts` answers are ever being checked or counted wrong, however many arrive at once.
   */
  async reserveAttempt(requestId: string, maxAttempts: number): Promise<{ answer_hash: string } | null> {
    const rows = await rowsOf<{ answer_hash: string }>(
      this.dataSource,
      `UPDATE ${T.requests} SET "attempts" = "attempts" + 1
       WHERE "id" = $1 AND "attempts" < $2 AND "state" IN ('pending', 'authorized') AND "expires_at" > now()
       RETURNING "answer_hash"`,
      [requestId, maxAttempts],
    );
    return rows[0] ?? null;
  }

  /** Why no attempt could be reserved: locked (or all attempts taken) versus gone. */
  async isLockedOut(requestId: string, maxAttempts: number): Promise<boolean> {
    const rows = await rowsOf<{ locked: boolean }>(
      this.dataSource,
      `SELECT ("state" = 'locked' OR ("state" IN ('pending', 'authorized') AND "expires_at" > now() AND "attempts" >= $2)) AS "locked"
       FROM ${T.requests} WHERE "id" = $1`,
      [requestId, maxAttempts],
    );
    return rows[0]?.locked === true;
  }

  /** A right answer gives its reserved attempt back and marks the ticket answered (one statement). */
  async acceptAnswer(requestId: string, ticketId: string): Promise<void> {
    await this.dataSource.query(
      `WITH answered AS (UPDATE ${T.tickets} SET "answered_at" = now() WHERE "id" = $2 AND "answered_at" IS NULL RETURNING "id")
       UPDATE ${T.requests} SET "attempts" = "attempts" - 1 WHERE "id" = $1`,
      [requestId, ticketId],
    );
  }

  /** A wrong answer keeps its reserved attempt and counts; the one that reaches the limit locks the request. */
  async recordWrongAnswer(
    requestId: string,
    maxAttempts: number,
    db: DataSource | EntityManager = this.dataSource,
  ): Promise<{ wrong_attempts: number; state: RequestState }> {
    const rows = await rowsOf<{ wrong_attempts: number; state: RequestState }>(
      db,
      `UPDATE ${T.requests} SET
         "wrong_attempts" = "wrong_attempts" + 1,
         "state" = CASE WHEN "wrong_attempts" + 1 >= $2 AND "state" IN ('pending', 'authorized') THEN 'locked' ELSE "state" END,
         "locked_at" = CASE WHEN "wrong_attempts" + 1 >= $2 AND "state" IN ('pending', 'authorized') THEN now() ELSE "locked_at" END
       WHERE "id" = $1 RETURNING "wrong_attempts", "state"`,
      [requestId, maxAttempts],
    );
    return rows[0]!;
  }

  /** Gives a reserved attempt back when the check itself failed (not an answer at all). */
  async releaseAttempt(requestId: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${T.requests} SET "attempts" = "attempts" - 1 WHERE "id" = $1 AND "attempts" > "wrong_attempts"`, [requestId]);
  }

  // --- complete (one transaction) ---

  /** Serializes an application's pickups: seq order is then commit order, and the polling cursor never skips one. */
  async lockApplicationFeed(m: EntityManager, appId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('connect-request:pickups:' || $1::text, 0))`, [appId]);
  }

  /** Uses the ticket up; false when it is not answered, expired, or already used. */
  async useTicket(m: EntityManager, ticketId: string): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      m,
      `UPDATE ${T.tickets} SET "completed_at" = now()
       WHERE "id" = $1 AND "answered_at" IS NOT NULL AND "completed_at" IS NULL AND "expires_at" > now() RETURNING "id"`,
      [ticketId],
    );
    return rows.length === 1;
  }

  /** pending (or any not locked) → authorized; the first pickup's time is kept. Null when the request was deleted. */
  async markAuthorized(m: EntityManager, requestId: string): Promise<{ external_id: string } | null> {
    const rows = await rowsOf<{ external_id: string }>(
      m,
      `UPDATE ${T.requests} SET "state" = CASE WHEN "state" = 'locked' THEN 'locked' ELSE 'authorized' END,
         "authorized_at" = COALESCE("authorized_at", now())
       WHERE "id" = $1 AND "state" <> 'deleted' RETURNING "external_id"`,
      [requestId],
    );
    return rows[0] ?? null;
  }

  /** The new pickup, or null when this grant was picked up through this request before. */
  async insertPickup(
    m: EntityManager,
    p: { requestId: string; appId: string; personId: string; recordId: string; grantId: string; ticketId: string },
  ): Promise<PickupRow | null> {
    const rows = await rowsOf<PickupRow>(
      m,
      `INSERT INTO ${T.pickups} ("request_id", "app_id", "person_id", "record_id", "grant_id", "ticket_id")
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("request_id", "grant_id") DO NOTHING
       RETURNING "authorized_at", "record_id", "grant_id"`,
      [p.requestId, p.appId, p.personId, p.recordId, p.grantId, p.ticketId],
    );
    return rows[0] ?? null;
  }

  async findPickup(db: DataSource | EntityManager, requestId: string, grantId: string): Promise<PickupRow | null> {
    const rows = await rowsOf<PickupRow>(
      db,
      `SELECT "authorized_at", "record_id", "grant_id" FROM ${T.pickups} WHERE "request_id" = $1 AND "grant_id" = $2`,
      [requestId, grantId],
    );
    return rows[0] ?? null;
  }
}
