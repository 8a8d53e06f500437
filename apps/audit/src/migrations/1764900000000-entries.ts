import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: append-only entries, hash-chained per record (entries without a record chain under
 * 'platform'). Fixed-width columns first to keep tuples unpadded; indexes on nullable columns are
 * partial so that rows without the value cost nothing there.
 */
export class Entries1764900000000 implements MigrationInterface {
  name = 'Entries1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "audit"."entries" (
      "seq" bigserial PRIMARY KEY,
      "occurred_at" timestamptz NOT NULL,
      "recorded_at" timestamptz NOT NULL,
      "event_id" uuid NOT NULL,
      "record_id" uuid,
      "app_id" uuid,
      "instance_id" uuid,
      "person_id" uuid,
      "item_id" uuid,
      "item_count" integer,
      "kind" text NOT NULL CHECK ("kind" IN ('data-access', 'recorded')),
      "category" text NOT NULL,
      "action" text NOT NULL,
      "outcome" text NOT NULL CHECK ("outcome" IN ('allowed', 'denied', 'success', 'failure')),
      "reason" text,
      "data_type" text,
      "permission" text,
      "mode" text,
      "correlation_id" text,
      "client_address" text,
      "details" jsonb,
      "prev_hash" bytea,
      "hash" bytea NOT NULL,
      CONSTRAINT "entries_event_id_uq" UNIQUE ("event_id"))`);
    await q.query(`CREATE INDEX "entries_record_idx" ON "audit"."entries" ("record_id", "occurred_at" DESC, "seq" DESC) WHERE "record_id" IS NOT NULL`);
    await q.query(`CREATE INDEX "entries_app_idx" ON "audit"."entries" ("app_id", "occurred_at") WHERE "app_id" IS NOT NULL`);
    await q.query(`CREATE INDEX "entries_person_idx" ON "audit"."entries" ("person_id", "occurred_at") WHERE "person_id" IS NOT NULL`);
    await q.query(`CREATE INDEX "entries_occurred_idx" ON "audit"."entries" ("occurred_at")`);
    await q.query(`CREATE TABLE "audit"."chain_heads" (
      "chain_key" text PRIMARY KEY,
      "last_seq" bigint NOT NULL DEFAULT 0,
      "last_hash" bytea)`);
    // Append-only: an UPDATE or DELETE is refused. (A superuser can get past it; the hash chain shows that.)
    await q.query(`CREATE FUNCTION "audit"."entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit.entries is append-only'; END $$`);
    await q.query(`CREATE TRIGGER "entries_append_only" BEFORE UPDATE OR DELETE ON "audit"."entries"
      FOR EACH ROW EXECUTE FUNCTION "audit"."entries_append_only"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS "audit"."chain_heads"');
    await q.query('DROP TABLE IF EXISTS "audit"."entries"');
    await q.query('DROP FUNCTION IF EXISTS "audit"."entries_append_only"()');
  }
}
