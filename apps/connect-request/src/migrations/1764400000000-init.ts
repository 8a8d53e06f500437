import { inboxTableSql, outboxTableSql } from '@carevault/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764400000000 implements MigrationInterface {
  name = 'Init1764400000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [...outboxTableSql('connect_request'), ...inboxTableSql('connect_request')]) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS "connect_request"."inbox"');
    await q.query('DROP TABLE IF EXISTS "connect_request"."outbox"');
    await q.query('DROP FUNCTION IF EXISTS "connect_request"."outbox_notify"()');
  }
}
