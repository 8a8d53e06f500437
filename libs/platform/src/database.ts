import { Client } from 'pg';
import type { DataSourceOptions, MixedList } from 'typeorm';

export interface DatabaseOptions {
  url: string;
  schema: string;
  entities: MixedList<Function | string>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

/** TypeORM options for one service: its own schema, committed migrations, never synchronize. */
export function dataSourceOptions(o: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    logging: ['error'],
    extra: { max: o.poolSize ?? 10, idleTimeoutMillis: 30_000, application_name: `carevault-${o.schema}` },
  };
}

/** Creates the database named in `url` when it is missing (connects to the server's `postgres` database). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`database name "${name}" has characters this tool will not quote`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P04') throw err; // created meanwhile by another process
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** SQL for the outbox (written in the caller's transaction) and inbox (consumer de-duplication) tables. */
export function outboxTableSql(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."outbox" (
      "seq" bigserial PRIMARY KEY,
      "event_id" uuid NOT NULL,
      "subject" text NOT NULL,
      "envelope" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "sent_at" timestamptz,
      CONSTRAINT "outbox_event_id_uq" UNIQUE ("event_id"))`,
    `CREATE INDEX "outbox_unsent_idx" ON "${schema}"."outbox" ("seq") WHERE "sent_at" IS NULL`,
    `CREATE INDEX "outbox_sent_at_idx" ON "${schema}"."outbox" ("sent_at") WHERE "sent_at" IS NOT NULL`,
    `CREATE FUNCTION "${schema}"."outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${schema}_outbox', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER "outbox_notify" AFTER INSERT ON "${schema}"."outbox" FOR EACH STATEMENT EXECUTE FUNCTION "${schema}"."outbox_notify"()`,
  ];
}

export function inboxTableSql(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."inbox" (
      "consumer" text NOT NULL,
      "event_id" uuid NOT NULL,
      "processed_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "inbox_pk" PRIMARY KEY ("consumer", "event_id"))`,
  ];
}

export function dropOutboxSql(schema: string): string[] {
  return [`DROP TABLE IF EXISTS "${schema}"."outbox"`, `DROP FUNCTION IF EXISTS "${schema}"."outbox_notify"()`];
}
