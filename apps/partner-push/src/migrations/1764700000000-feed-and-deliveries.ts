import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FeedAndDeliveries1764700000000 implements MigrationInterface {
  name = 'FeedAndDeliveries1764700000000';

  async up(q: QueryRunner): Promise<void> {
    // payload is `json`, not `jsonb`: the text is kept as written, so every webhook attempt and every
    // feed read carries byte-for-byte the same body (jsonb would reorder keys).
    await q.query(`CREATE TABLE "partner_push"."app_events" (
      "seq" bigserial PRIMARY KEY,
      "app_id" uuid NOT NULL,
      "event_id" uuid NOT NULL,
      "type" text NOT NULL,
      "payload" json NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "app_events_event_id_uq" UNIQUE ("event_id"))`);
    await q.query(`CREATE INDEX "app_events_app_seq_idx" ON "partner_push"."app_events" ("app_id", "seq")`);

    await q.query(`CREATE TABLE "partner_push"."deliveries" (
      "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      "app_id" uuid NOT NULL,
      "event_id" uuid NOT NULL,
      "event_seq" bigint NOT NULL CONSTRAINT "deliveries_event_seq_fk" REFERENCES "partner_push"."app_events" ("seq") ON DELETE CASCADE,
      "status" text NOT NULL CONSTRAINT "deliveries_status_ck" CHECK ("status" IN ('pending', 'delivering', 'failed', 'succeeded', 'dead')),
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" timestamptz,
      "lease_until" timestamptz,
      "retry_until" timestamptz NOT NULL,
      "last_status_code" integer,
      "last_error" text,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      "delivered_at" timestamptz,
      CONSTRAINT "deliveries_event_id_uq" UNIQUE ("event_id"))`);
    // The worker's scan: the oldest unfinished delivery of each application.
    await q.query(`CREATE INDEX "deliveries_unfinished_idx" ON "partner_push"."deliveries" ("app_id", "event_seq")
      WHERE "status" IN ('pending', 'delivering', 'failed')`);
    await q.query(`CREATE INDEX "deliveries_app_seq_idx" ON "partner_push"."deliveries" ("app_id", "event_seq" DESC)`);
    await q.query(`CREATE INDEX "deliveries_app_status_seq_idx" ON "partner_push"."deliveries" ("app_id", "status", "event_seq" DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "partner_push"."deliveries"`);
    await q.query(`DROP TABLE "partner_push"."app_events"`);
  }
}
