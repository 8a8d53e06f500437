import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Items (the current version of each) and their full history. Keep in step with item.entity.ts / item-version.entity.ts. */
export class Items1764600000000 implements MigrationInterface {
  name = 'Items1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "record_store"."items" (
      "id" uuid NOT NULL,
      "record_id" uuid NOT NULL,
      "type" text NOT NULL,
      "version" integer NOT NULL,
      "version_stamp" text NOT NULL,
      "effective_date" timestamptz NOT NULL,
      "resource" jsonb NOT NULL,
      "state" text NOT NULL,
      "created_at" timestamptz NOT NULL,
      "created_app_id" uuid NOT NULL,
      "created_person_id" uuid,
      "created_instance_id" uuid,
      "created_mode" text NOT NULL,
      "updated_at" timestamptz NOT NULL,
      "updated_app_id" uuid NOT NULL,
      "updated_person_id" uuid,
      "updated_instance_id" uuid,
      "updated_mode" text NOT NULL,
      "deleted_at" timestamptz,
      CONSTRAINT "items_pk" PRIMARY KEY ("id"),
      CONSTRAINT "items_state_ck" CHECK ("state" IN ('active', 'deleted')))`);
    // Keyset paging of a record's items, newest effective date first, with and without a type filter.
    await q.query(`CREATE INDEX "items_record_type_effective_idx" ON "record_store"."items" ("record_id", "type", "effective_date" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "items_record_effective_idx" ON "record_store"."items" ("record_id", "effective_date" DESC, "id" DESC)`);
    await q.query(`CREATE INDEX "items_record_updated_idx" ON "record_store"."items" ("record_id", "updated_at")`);

    await q.query(`CREATE TABLE "record_store"."item_versions" (
      "item_id" uuid NOT NULL,
      "version" integer NOT NULL,
      "version_stamp" text NOT NULL,
      "effective_date" timestamptz NOT NULL,
      "resource" jsonb NOT NULL,
      "state" text NOT NULL,
      "at" timestamptz NOT NULL,
      "app_id" uuid NOT NULL,
      "person_id" uuid,
      "instance_id" uuid,
      "mode" text NOT NULL,
      CONSTRAINT "item_versions_pk" PRIMARY KEY ("item_id", "version"),
      CONSTRAINT "item_versions_item_fk" FOREIGN KEY ("item_id") REFERENCES "record_store"."items" ("id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS "record_store"."item_versions"');
    await q.query('DROP TABLE IF EXISTS "record_store"."items"');
  }
}
