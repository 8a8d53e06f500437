import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../db';

type Payload = Record<string, unknown>;

export interface StoredObject {
  payload: Payload;
  consumedAt: Date | null;
}

/** The gateway adapter's own models (apps/gateway/src/oauth/adapter.ts): oidc-provider keeps neither. */
export const JWT_ACCESS_TOKEN_MODEL = 'JwtAccessToken';
export const GRANT_BINDING_MODEL = 'CvGrantBinding';

export interface TokenSubject {
  appId: string | null;
  /** The gateway's GrantBinding payload: appId, consentGrantId, personId, recordId, sessionId, mode, instanceId. */
  binding: Payload | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const ALIVE = `("expires_at" IS NULL OR "expires_at" > now())`;

/** The only SQL over identity.oauth_objects and identity.oauth_revoked_tokens. */
@Injectable()
export class OAuthStoreRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  async upsert(model: string, id: string, payload: Payload, expiresIn: number | undefined, db: DataSource | EntityManager = this.dataSource): Promise<void> {
    await db.query(
      `INSERT INTO "identity"."oauth_objects" ("model", "id", "payload", "grant_id", "user_code", "uid", "expires_at")
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
       ON CONFLICT ("model", "id") DO UPDATE SET "payload" = EXCLUDED."payload", "grant_id" = EXCLUDED."grant_id",
         "user_code" = EXCLUDED."user_code", "uid" = EXCLUDED."uid", "expires_at" = EXCLUDED."expires_at"`,
      [model, id, payload, text(payload.grantId), text(payload.userCode), text(payload.uid), expiresIn ?? null],
    );
  }

  /**
   * The object, if alive. `hideConsumedForSeconds`: an object consumed less than that long ago is answered as
   * not found (see IdentityEnv.REFRESH_REUSE_GRACE_SECONDS), so that a concurrent duplicate fails plainly
   * instead of being taken for reuse.
   */
  async findBy(model: string, column: 'id' | 'user_code' | 'uid', value: string, hideConsumedForSeconds = 0): Promise<StoredObject | null> {
    const rows: Array<{ payload: Payload; consumed_at: Date | null; recently_consumed: boolean }> = await this.dataSource.query(
      `SELECT "payload", "consumed_at", ("consumed_at" > now() - make_interval(secs => $3)) AS "recently_consumed"
       FROM "identity"."oauth_objects" WHERE "model" = $1 AND "${column}" = $2 AND ${ALIVE}`,
      [model, value, hideConsumedForSeconds],
    );
    const r = rows[0];
    if (!r || r.recently_consumed) return null;
    return { payload: r.payload, consumedAt: r.consumed_at };
  }

  /** True for exactly one caller: the row lock serialises racing updates and the loser sees consumed_at set. */
  async consume(model: string, id: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE "identity"."oauth_objects" SET "consumed_at" = now()
       WHERE "model" = $1 AND "id" = $2 AND "consumed_at" IS NULL AND ${ALIVE} RETURNING 1 AS "ok"`,
      [model, id],
    );
    return returnedRows(result).length === 1;
  }

  async destroy(model: string, id: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `DELETE FROM "identity"."oauth_objects" WHERE "model" = $1 AND "id" = $2 RETURNING 1 AS "ok"`,
      [model, id],
    );
    return returnedRows(result).length === 1;
  }

  async deleteByGrantId(manager: EntityManager, model: string, grantId: string): Promise<Array<{ id: string; expiresAt: Date | null }>> {
    const result: unknown = await manager.query(
      `DELETE FROM "identity"."oauth_objects" WHERE "grant_id" = $1 AND "model" = $2 RETURNING "id", "expires_at"`,
      [grantId, model],
    );
    return returnedRows<{ id: string; expires_at: Date | null }>(result).map((r) => ({ id: r.id, expiresAt: r.expires_at }));
  }

  /** Idempotent: false when the jti was denylisted already. */
  async denylist(manager: EntityManager, jti: string, clientId: string | null, expiresAt: Date): Promise<boolean> {
    const result: unknown = await manager.query(
      `INSERT INTO "identity"."oauth_revoked_tokens" ("jti", "client_id", "expires_at") VALUES ($1, $2, $3)
       ON CONFLICT ("jti") DO NOTHING RETURNING 1 AS "ok"`,
      [jti, clientId, expiresAt],
    );
    return returnedRows(result).length === 1;
  }

  async isDenylisted(jti: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM "identity"."oauth_revoked_tokens" WHERE "jti" = $1`, [jti]);
    return rows.length > 0;
  }

  /**
   * Who an access token belongs to, for the audit trail: the application of the client, and the grant
   * binding (person, record, consent grant, mode) of the oidc grant, found directly or through the jti marker.
   */
  async tokenSubject(m: EntityManager, q: { clientId?: string | null; grantId?: string | null; jti?: string | null }): Promise<TokenSubject> {
    const rows: Array<{ app_id: string | null; binding: Payload | null }> = await m.query(
      `SELECT (SELECT a."id" FROM "identity"."applications" a WHERE a."client_id" = $1) AS "app_id",
              (SELECT b."payload" FROM "identity"."oauth_objects" b WHERE b."model" = '${GRANT_BINDING_MODEL}' AND b."id" = COALESCE($2,
                 (SELECT t."grant_id" FROM "identity"."oauth_objects" t WHERE t."model" = '${JWT_ACCESS_TOKEN_MODEL}' AND t."id" = $3))) AS "binding"`,
      [q.clientId ?? null, q.grantId ?? null, q.jti ?? null],
    );
    const r = rows[0];
    return { appId: r?.app_id ?? null, binding: r?.binding ?? null };
  }

  /** Deletes up to `limit` objects and denylist entries that expired more than `graceSeconds` ago. */
  async purgeExpired(graceSeconds: number, limit: number): Promise<number> {
    const objects: unknown = await this.dataSource.query(
      `DELETE FROM "identity"."oauth_objects" WHERE ctid IN (
         SELECT ctid FROM "identity"."oauth_objects" WHERE "expires_at" < now() - make_interval(secs => $1) LIMIT $2)
       RETURNING 1 AS "ok"`,
      [graceSeconds, limit],
    );
    const tokens: unknown = await this.dataSource.query(
      `DELETE FROM "identity"."oauth_revoked_tokens" WHERE ctid IN (
         SELECT ctid FROM "identity"."oauth_revoked_tokens" WHERE "expires_at" < now() - make_interval(secs => $1) LIMIT $2)
       RETURNING 1 AS "ok"`,
      [graceSeconds, limit],
    );
    return returnedRows(objects).length + returnedRows(tokens).length;
  }
}
