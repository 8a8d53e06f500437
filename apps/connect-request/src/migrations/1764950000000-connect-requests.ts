import type { MigrationInterface, QueryRunner } from 'typeorm';

const S = '"connect_request"';

export class ConnectRequests1764950000000 implements MigrationInterface {
  name = 'ConnectRequests1764950000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      // attempts = wrong answers + answers being checked right now; wrong_attempts = wrong answers only.
      // An answer reserves an attempt (attempts < max) before its Argon2 check, so wrong_attempts can never pass max.
      `CREATE TABLE ${S}."requests" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "app_id" uuid NOT NULL,
        "external_id" text NOT NULL CONSTRAINT "requests_external_id_ck" CHECK (char_length("external_id") BETWEEN 1 AND 255),
        "friendly_name" text NOT NULL,
        "question" text NOT NULL,
        "answer_hash" text NOT NULL,
        "code_hash" bytea NOT NULL CONSTRAINT "requests_code_hash_uq" UNIQUE,
        "state" text NOT NULL CONSTRAINT "requests_state_ck" CHECK ("state" IN ('pending', 'authorized', 'locked', 'expired', 'deleted')),
        "attempts" integer NOT NULL DEFAULT 0,
        "wrong_attempts" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "authorized_at" timestamptz,
        "locked_at" timestamptz,
        "deleted_at" timestamptz,
        CONSTRAINT "requests_attempts_ck" CHECK ("wrong_attempts" >= 0 AND "attempts" >= "wrong_attempts"))`,
      `CREATE UNIQUE INDEX "requests_pending_external_id_uq" ON ${S}."requests" ("app_id", "external_id") WHERE "state" = 'pending'`,
      `CREATE INDEX "requests_app_external_id_idx" ON ${S}."requests" ("app_id", "external_id")`,

      `CREATE TABLE ${S}."tickets" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "token_hash" bytea NOT NULL CONSTRAINT "tickets_token_hash_uq" UNIQUE,
        "request_id" uuid NOT NULL CONSTRAINT "tickets_request_fk" REFERENCES ${S}."requests" ("id") ON DELETE CASCADE,
        "person_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "answered_at" timestamptz,
        "completed_at" timestamptz)`,
      `CREATE INDEX "tickets_request_idx" ON ${S}."tickets" ("request_id")`,
      `CREATE INDEX "tickets_expires_at_idx" ON ${S}."tickets" ("expires_at")`,

      // seq is taken under a per-application advisory lock, so an application's pickups commit in seq order (a safe polling cursor).
      `CREATE TABLE ${S}."pickups" (
        "seq" bigserial PRIMARY KEY,
        "request_id" uuid NOT NULL CONSTRAINT "pickups_request_fk" REFERENCES ${S}."requests" ("id") ON DELETE CASCADE,
        "app_id" uuid NOT NULL,
        "person_id" uuid NOT NULL,
        "record_id" uuid NOT NULL,
        "grant_id" uuid NOT NULL,
        "ticket_id" uuid CONSTRAINT "pickups_ticket_fk" REFERENCES ${S}."tickets" ("id") ON DELETE SET NULL,
        "authorized_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pickups_request_grant_uq" UNIQUE ("request_id", "grant_id"))`,
      `CREATE INDEX "pickups_app_seq_idx" ON ${S}."pickups" ("app_id", "seq")`,
      `CREATE INDEX "pickups_ticket_idx" ON ${S}."pickups" ("ticket_id")`,
      `CREATE INDEX "pickups_authorized_at_idx" ON ${S}."pickups" ("authorized_at")`,

      // Code entries per key ('person:<id>', 'address:<ip or /64>') per fixed window; see RateLimiter.
      `CREATE TABLE ${S}."rate_limits" (
        "key" text NOT NULL,
        "window_start" timestamptz NOT NULL,
        "hits" integer NOT NULL,
        CONSTRAINT "rate_limits_pk" PRIMARY KEY ("key", "window_start"))`,
      `CREATE INDEX "rate_limits_window_start_idx" ON ${S}."rate_limits" ("window_start")`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['rate_limits', 'pickups', 'tickets', 'requests']) await q.query(`DROP TABLE IF EXISTS ${S}."${table}"`);
  }
}
