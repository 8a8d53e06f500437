import { inboxTableSql, outboxTableSql } from '@carevault/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764400000000 implements MigrationInterface {
  name = 'Init1764400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [...outboxTableSql('record_store'), ...inboxTableSql('record_store')]) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS "record_store"."inbox"');
    await q.query('DROP TABLE IF EXISTS "record_store"."outbox"');
    await q.query('DROP FUNCTION IF EXISTS "record_store"."outbox_notify"()');
  }
}
