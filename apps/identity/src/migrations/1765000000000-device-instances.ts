import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device instances (one installed copy of a device application, authorized on one record), the
 * counter of user-code entries at /device, and the last poll of each pending device code (slow_down).
 */
export class DeviceInstances1765000000000 implements MigrationInterface {
  name = 'DeviceInstances1765000000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "identity"."device_instances" (
        "id" uuid PRIMARY KEY,
        "app_id" uuid NOT NULL CONSTRAINT "device_instances_app_fk" REFERENCES "identity"."applications" ("id") ON DELETE CASCADE,
        "person_id" uuid NOT NULL CONSTRAINT "device_instances_person_fk" REFERENCES "identity"."persons" ("id") ON DELETE CASCADE,
        "record_id" uuid NOT NULL CONSTRAINT "device_instances_record_fk" REFERENCES "identity"."records" ("id") ON DELETE CASCADE,
        "grant_id" uuid NOT NULL,
        "oauth_grant_id" text NOT NULL,
        "name" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        "revoke_reason" text,
        CONSTRAINT "device_instances_name_ck" CHECK (length("name") BETWEEN 1 AND 100),
        CONSTRAINT "device_instances_revoked_ck" CHECK (("revoked_at" IS NULL) = ("revoke_reason" IS NULL)))`,
      `CREATE UNIQUE INDEX "device_instances_oauth_grant_id_uq" ON "identity"."device_instances" ("oauth_grant_id")`,
      `CREATE INDEX "device_instances_record_app_idx" ON "identity"."device_instances" ("record_id", "app_id", "created_at") WHERE "revoked_at" IS NULL`,
      `CREATE INDEX "device_instances_grant_id_idx" ON "identity"."device_instances" ("grant_id")`,

      `CREATE TABLE "identity"."device_code_attempts" (
        "attempt_id" uuid NOT NULL,
        "key" text NOT NULL,
        "at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "device_code_attempts_pk" PRIMARY KEY ("attempt_id", "key"))`,
      `CREATE INDEX "device_code_attempts_key_at_idx" ON "identity"."device_code_attempts" ("key", "at")`,
      `CREATE INDEX "device_code_attempts_at_idx" ON "identity"."device_code_attempts" ("at")`,

      `CREATE TABLE "identity"."device_code_polls" (
        "code_hash" bytea PRIMARY KEY,
        "last_polled_at" timestamptz NOT NULL,
        "interval_seconds" integer NOT NULL,
        "slowed" boolean NOT NULL DEFAULT false,
        "expires_at" timestamptz NOT NULL)`,
      `CREATE INDEX "device_code_polls_expires_at_idx" ON "identity"."device_code_polls" ("expires_at")`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS "identity"."device_code_polls"');
    await q.query('DROP TABLE IF EXISTS "identity"."device_code_attempts"');
    await q.query('DROP TABLE IF EXISTS "identity"."device_instances"');
  }
}
