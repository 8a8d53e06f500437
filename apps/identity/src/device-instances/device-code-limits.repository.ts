import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { returnedRows } from '../db';

export interface AttemptLimit {
  key: string;
  max: number;
}

/** The only SQL over identity.device_code_attempts and identity.device_code_polls. */
@Injectable()
export class DeviceCodeLimitsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Reserves one attempt on every key when each has fewer than `max` within the window, else none.
   * Advisory locks per key (taken in key order) serialise racing entries, so a burst of parallel
   * guesses cannot all see the same count: exactly `max` of them get through. Null when refused.
   */
  async reserve(limits: AttemptLimit[], windowSeconds: number): Promise<string | null> {
    const keys = limits.map((l) => l.key).sort();
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) s`, [keys]);
      const counts: Array<{ key: string; n: number }> = await m.query(
        `SELECT "key", count(*)::int AS "n" FROM "identity"."device_code_attempts"
         WHERE "key" = ANY($1::text[]) AND "at" > now() - make_interval(secs => $2::int) GROUP BY "key"`,
        [keys, windowSeconds],
      );
      const used = new Map(counts.map((c) => [c.key, c.n]));
      if (limits.some((l) => (used.get(l.key) ?? 0) >= l.max)) return null;
      const attemptId = randomUUID();
      await m.query(`INSERT INTO "identity"."device_code_attempts" ("attempt_id", "key") SELECT $1, k FROM unnest($2::text[]) AS k`, [attemptId, keys]);
      return attemptId;
    });
  }

  async release(attemptId: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(`DELETE FROM "identity"."device_code_attempts" WHERE "attempt_id" = $1 RETURNING 1 AS "ok"`, [attemptId]);
    return returnedRows(result).length > 0;
  }

  /**
   * One poll of a pending device code, in one statement (the row lock orders racing polls): too soon
   * after the previous one (less than its interval, minus a second of network jitter) → `slowed`, and
   * the interval grows by 5 s for every later poll (RFC 8628 §3.5). The first poll is never too soon.
   */
  async poll(codeHash: Buffer, intervalSeconds: number, keepSeconds: number): Promise<{ slowed: boolean; intervalSeconds: number }> {
    const rows: Array<{ slowed: boolean; interval_seconds: number }> = await this.dataSource.query(
      `INSERT INTO "identity"."device_code_polls" AS p ("code_hash", "last_polled_at", "interval_seconds", "slowed", "expires_at")
       VALUES ($1, now(), $2, false, now() + make_interval(secs => $3::int))
       ON CONFLICT ("code_hash") DO UPDATE SET
         "slowed" = p."last_polled_at" > now() - make_interval(secs => p."interval_seconds" - 1),
         "interval_seconds" = CASE WHEN p."last_polled_at" > now() - make_interval(secs => p."interval_seconds" - 1)
                              THEN p."interval_seconds" + 5 ELSE p."interval_seconds" END,
         "last_polled_at" = now()
       RETURNING "slowed", "interval_seconds"`,
      [codeHash, intervalSeconds, keepSeconds],
    );
    const r = rows[0]!;
    return { slowed: r.slowed, intervalSeconds: r.interval_seconds };
  }

  /** Deletes up to `limit` attempts older than the window and polls of codes that expired. */
  async purge(windowSeconds: number, limit: number): Promise<number> {
    const attempts: unknown = await this.dataSource.query(
      `DELETE FROM "identity"."device_code_attempts" WHERE ctid IN (
         SELECT ctid FROM "identity"."device_code_attempts" WHERE "at" < now() - make_interval(secs => $1::int) LIMIT $2)
       RETURNING 1 AS "ok"`,
      [windowSeconds, limit],
    );
    const polls: unknown = await this.dataSource.query(
      `DELETE FROM "identity"."device_code_polls" WHERE ctid IN (
         SELECT ctid FROM "identity"."device_code_polls" WHERE "expires_at" < now() LIMIT $1)
       RETURNING 1 AS "ok"`,
      [limit],
    );
    return returnedRows(attempts).length + returnedRows(polls).length;
  }
}
