import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Persons, sessions, sign-in throttling, records and custodians, applications and their rule-set versions. */
export class PersonsRecordsApplications1764500000000 implements MigrationInterface {
  name = 'PersonsRecordsApplications1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "identity"."persons" (
        "id" uuid PRIMARY KEY,
        "email" text NOT NULL,
        "name" text NOT NULL,
        "password_hash" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now())`,
      `CREATE UNIQUE INDEX "persons_email_lower_uq" ON "identity"."persons" (lower("email"))`,

      `CREATE TABLE "identity"."sessions" (
        "id" uuid PRIMARY KEY,
        "person_id" uuid NOT NULL CONSTRAINT "sessions_person_fk" REFERENCES "identity"."persons" ("id") ON DELETE CASCADE,
        "token_hash" bytea NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "ended_at" timestamptz)`,
      `CREATE UNIQUE INDEX "sessions_token_hash_uq" ON "identity"."sessions" ("token_hash")`,
      `CREATE INDEX "sessions_person_id_idx" ON "identity"."sessions" ("person_id")`,

      `CREATE TABLE "identity"."sign_in_failures" (
        "id" bigserial PRIMARY KEY,
        "email_key" text NOT NULL,
        "failed_at" timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX "sign_in_failures_email_key_idx" ON "identity"."sign_in_failures" ("email_key", "failed_at")`,

      `CREATE TABLE "identity"."records" (
        "id" uuid PRIMARY KEY,
        "name" text NOT NULL,
        "relationship" text NOT NULL CONSTRAINT "records_relationship_ck" CHECK ("relationship" IN ('self', 'child', 'parent', 'spouse', 'other')),
        "created_by" uuid NOT NULL CONSTRAINT "records_created_by_fk" REFERENCES "identity"."persons" ("id") ON DELETE CASCADE,
        "created_at" timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX "records_created_by_idx" ON "identity"."records" ("created_by")`,

      `CREATE TABLE "identity"."custodians" (
        "record_id" uuid NOT NULL CONSTRAINT "custodians_record_fk" REFERENCES "identity"."records" ("id") ON DELETE CASCADE,
        "person_id" uuid NOT NULL CONSTRAINT "custodians_person_fk" REFERENCES "identity"."persons" ("id") ON DELETE CASCADE,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "custodians_pk" PRIMARY KEY ("record_id", "person_id"))`,
      `CREATE INDEX "custodians_person_id_idx" ON "identity"."custodians" ("person_id", "record_id")`,

      `CREATE TABLE "identity"."applications" (
        "id" uuid PRIMARY KEY,
        "client_id" text NOT NULL,
        "name" text NOT NULL,
        "description" text,
        "kind" text NOT NULL CONSTRAINT "applications_kind_ck" CHECK ("kind" IN ('web', 'device')),
        "redirect_uris" text[] NOT NULL DEFAULT '{}',
        "webhook_url" text,
        "client_secret_hash" bytea,
        "client_secret_rotated_at" timestamptz,
        "webhook_secret" text,
        "rule_set_version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "applications_secret_ck" CHECK (("kind" = 'web') = ("client_secret_hash" IS NOT NULL)),
        CONSTRAINT "applications_webhook_ck" CHECK (("webhook_url" IS NULL) = ("webhook_secret" IS NULL)))`,
      `CREATE UNIQUE INDEX "applications_client_id_uq" ON "identity"."applications" ("client_id")`,

      `CREATE TABLE "identity"."application_rule_sets" (
        "app_id" uuid NOT NULL CONSTRAINT "application_rule_sets_app_fk" REFERENCES "identity"."applications" ("id") ON DELETE CASCADE,
        "version" integer NOT NULL CONSTRAINT "application_rule_sets_version_ck" CHECK ("version" >= 1),
        "rules" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "application_rule_sets_pk" PRIMARY KEY ("app_id", "version"))`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['application_rule_sets', 'applications', 'custodians', 'records', 'sign_in_failures', 'sessions', 'persons']) {
      await q.query(`DROP TABLE IF EXISTS "identity"."${table}"`);
    }
  }
}
