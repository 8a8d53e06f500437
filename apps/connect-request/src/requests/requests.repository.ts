import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { T, rowsOf } from '../db';

export interface NewRequest {
  appId: string;
  externalId: string;
  friendlyName: string;
  question: string;
  answerHash: string;
  codeHash: Buffer;
  ttlDays: number;
}

export interface PickupRow {
  seq: string;
  external_id: string;
  person_id: string;
  record_id: string;
  grant_id: string;
  authorized_at: Date;
}

@Injectable()
export class RequestsRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /** Pending requests past their expiry stop holding their external id (the partial unique index covers `pending` only). */
  async expireStalePending(m: EntityManager, appId: string, externalIds: string[]): Promise<void> {
    await m.query(
      `UPDATE ${T.requests} SET "state" = 'expired'
       WHERE "app_id" = $1 AND "external_id" = ANY($2::text[]) AND "state" = 'pending' AND "expires_at" <= now()`,
      [appId, externalIds],
    );
  }

  /**
   * The new request's expiry, or null when a unique index refused it: a pending request with this
   * external id (or, practically never, the same code hash). DO NOTHING rather than an error, so that
   * no failed statement with the answer hash in its parameters reaches a log.
   */
  async insert(m: EntityManager, r: NewRequest): Promise<{ expiresAt: Date } | null> {
    const rows = await rowsOf<{ expires_at: Date }>(
      m,
      `INSERT INTO ${T.requests} ("app_id", "external_id", "friendly_name", "question", "answer_hash", "code_hash", "state", "expires_at")
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', now() + make_interval(days => $7)) ON CONFLICT DO NOTHING RETURNING "expires_at"`,
      [r.appId, r.externalId, r.friendlyName, r.question, r.answerHash, r.codeHash, r.ttlDays],
    );
    return rows[0] ? { expiresAt: rows[0].expires_at } : null;
  }

  async hasPending(m: EntityManager, appId: string, externalId: string): Promise<boolean> {
    const rows = await rowsOf<{ found: boolean }>(
      m,
      `SELECT EXISTS (SELECT 1 FROM ${T.requests} WHERE "app_id" = $1 AND "external_id" = $2 AND "state" = 'pending') AS "found"`,
      [appId, externalId],
    );
    return rows[0]?.found === true;
  }

  /** Withdraws the requests not picked up yet, dropping what they hold about the person. Returns how many. */
  async deleteUnauthorized(appId: string, externalId: string): Promise<number> {
    const rows = await rowsOf<{ id: string }>(
      this.dataSource,
      `UPDATE ${T.requests} SET "state" = 'deleted', "deleted_at" = now(), "friendly_name" = '', "question" = '', "answer_hash" = ''
       WHERE "app_id" = $1 AND "external_id" = $2 AND "state" <> 'deleted' AND "authorized_at" IS NULL RETURNING "id"`,
      [appId, externalId],
    );
    return rows.length;
  }

  async hasAuthorized(appId: string, externalId: string): Promise<boolean> {
    const rows = await rowsOf<{ found: boolean }>(
      this.dataSource,
      `SELECT EXISTS (SELECT 1 FROM ${T.requests}
         WHERE "app_id" = $1 AND "external_id" = $2 AND "state" <> 'deleted' AND "authorized_at" IS NOT NULL) AS "found"`,
      [appId, externalId],
    );
    return rows[0]?.found === true;
  }

  async countLive(m: EntityManager, appId: string, externalId: string): Promise<number> {
    const rows = await rowsOf<{ n: number }>(
      m,
      `SELECT count(*)::int AS "n" FROM ${T.requests} WHERE "app_id" = $1 AND "external_id" = $2 AND "state" <> 'deleted'`,
      [appId, externalId],
    );
    return rows[0]!.n;
  }

  async rename(m: EntityManager, appId: string, from: string, to: string): Promise<number> {
    const rows = await rowsOf<{ id: string }>(
      m,
      `UPDATE ${T.requests} SET "external_id" = $3 WHERE "app_id" = $1 AND "external_id" = $2 AND "state" <> 'deleted' RETURNING "id"`,
      [appId, from, to],
    );
    return rows.length;
  }

  /** The application's pickups after `afterSeq`, oldest first, within the retention period; external ids as they are now. */
  listPickups(appId: string, afterSeq: string, retentionDays: number, limit: number): Promise<PickupRow[]> {
    return rowsOf<PickupRow>(
      this.dataSource,
      `SELECT p."seq", r."external_id", p."person_id", p."record_id", p."grant_id", p."authorized_at"
       FROM ${T.pickups} p JOIN ${T.requests} r ON r."id" = p."request_id"
       WHERE p."app_id" = $1 AND p."seq" > $2::bigint AND p."authorized_at" > now() - make_interval(days => $3)
       ORDER BY p."seq" LIMIT $4`,
      [appId, afterSeq, retentionDays, limit],
    );
  }
}
