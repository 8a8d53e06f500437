import type { MigrationInterface, QueryRunner } from 'typeorm';

/** OAuth state of the gateway's oidc-provider (codes, refresh tokens, grants, interactions) and the access-token denylist. */
export class OAuthObjects1764810000000 implements MigrationInterface {
  name = 'OAuthObjects1764810000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "identity"."oauth_objects" (
        "model" text NOT NULL,
        "id" text NOT NULL,
        "payload" jsonb NOT NULL,
        "grant_id" text,
        "user_code" text,
        "uid" text,
        "expires_at" timestamptz,
        "consumed_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "oauth_objects_pk" PRIMARY KEY ("model", "id"))`,
      `CREATE INDEX "oauth_objects_grant_id_idx" ON "identity"."oauth_objects" ("grant_id", "model") WHERE "grant_id" IS NOT NULL`,
      `CREATE UNIQUE INDEX "oauth_objects_user_code_uq" ON "identity"."oauth_objects" ("model", "user_code") WHERE "user_code" IS NOT NULL`,
      `CREATE UNIQUE INDEX "oauth_objects_uid_uq" ON "identity"."oauth_objects" ("model", "uid") WHERE "uid" IS NOT NULL`,
      `CREATE INDEX "oauth_objects_expires_at_idx" ON "identity"."oauth_objects" ("expires_at") WHERE "expires_at" IS NOT NULL`,

      `CREATE TABLE "identity"."oauth_revoked_tokens" (
        "jti" text PRIMARY KEY,
        "client_id" text,
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX "oauth_revoked_tokens_expires_at_idx" ON "identity"."oauth_revoked_tokens" ("expires_at")`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS "identity"."oauth_revoked_tokens"');
    await q.query('DROP TABLE IF EXISTS "identity"."oauth_objects"');
  }
}
