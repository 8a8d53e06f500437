import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { RpcClient, RpcError, STREAMS, connectNats, createLogger, ensureStreams, loadConfig, runMigrations, startService } from '@carevault/platform';
import { type NatsServerHandle, type TestDatabase, createTestDatabase, startNatsServer } from '@carevault/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { AuditEnv } from '../src/config';
import { MIGRATIONS, SCHEMA } from '../src/database';
import { FakeIdentity } from './fake-identity';

export interface Infra {
  db: TestDatabase;
  nats: NatsServerHandle;
  nc: NatsConnection;
  identity: FakeIdentity;
  rpc: RpcClient;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** A fresh migrated database, a private nats-server with the audit stream, and a fake identity on it. */
export async function startInfra(): Promise<Infra> {
  const db = await createTestDatabase('cv_it_audit');
  let nats: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  let identity: FakeIdentity | undefined;
  const pg = new Client({ connectionString: db.url });
  const stop = async () => {
    identity?.close();
    await nc?.close().catch(() => undefined);
    await nats?.dispose();
    await pg.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
  };
  try {
    await runMigrations(db.url, { schema: SCHEMA, migrations: MIGRATIONS });
    nats = await startNatsServer();
    nc = await connectNats(nats.url, 'audit-it');
    await ensureStreams(nc, [STREAMS.audit]);
    identity = new FakeIdentity(nc);
    await nc.flush();
    await pg.connect();
  } catch (err) {
    await stop();
    throw err;
  }
  return { db, nats, nc, identity, rpc: new RpcClient(nc, 20_000), sql: async (text, params) => (await pg.query(text, params)).rows, stop };
}

/** The audit service in this process, booted the way main.ts boots it. */
export async function startAudit(infra: Infra): Promise<INestMicroservice> {
  const config = loadConfig('audit', AuditEnv, { DATABASE_URL: infra.db.url, NATS_URL: infra.nats.url, LOG_LEVEL: 'silent', DB_POOL_SIZE: '8' });
  const logger = createLogger('audit', process.env.TEST_LOG_LEVEL ?? 'silent');
  return startService('audit', AppModule.register(config, logger), infra.nats.url, logger);
}

export async function rpcError(p: Promise<unknown>): Promise<RpcError> {
  const outcome = await p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected the request to fail, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof RpcError)) throw outcome.error;
  return outcome.error;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
