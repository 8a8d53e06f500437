import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Grants1764500000000 implements MigrationInterface {
  name = 'Grants1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "consent"."grants" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "app_id" uuid NOT NULL,
      "record_id" uuid NOT NULL,
      "person_id" uuid NOT NULL,
      "rule_set_version" integer NOT NULL,
      "rules" jsonb NOT NULL,
      "version" integer NOT NULL DEFAULT 1,
      "state" text NOT NULL CONSTRAINT "grants_state_ck" CHECK ("state" IN ('active', 'revoked')),
      "source" text NOT NULL CONSTRAINT "grants_source_ck" CHECK ("source" IN ('web', 'connect', 'device')),
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      "revoked_at" timestamptz,
      "revoked_reason" text)`);
    await q.query(`CREATE UNIQUE INDEX "grants_active_app_record_uq" ON "consent"."grants" ("app_id", "record_id") WHERE "state" = 'active'`);
    await q.query(`CREATE INDEX "grants_app_created_idx" ON "consent"."grants" ("app_id", "created_at", "id")`);
    await q.query(`CREATE INDEX "grants_record_active_idx" ON "consent"."grants" ("record_id") WHERE "state" = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "consent"."grants"`);
  }
}
