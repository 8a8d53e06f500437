import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import type { EventEnvelope } from '@carevault/contracts';
import { RpcClient, RpcError, connectNats, createLogger, loadConfig, runMigrations, startService, STREAMS } from '@carevault/platform';
import { type NatsServerHandle, type TestDatabase, createTestDatabase, startNatsServer } from '@carevault/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { IdentityEnv } from '../src/config';
import { MIGRATIONS, SCHEMA } from '../src/database';

export interface IdentityHarness {
  rpc: RpcClient;
  /** The private nats-server (for tests that publish or subscribe themselves). */
  natsUrl: string;
  /** Raw SQL against the suite's database (to check what is stored). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The last event on `subject` in CAREVAULT_EVENTS (waits for the outbox relay). */
  lastEvent<T>(subject: string, match?: (e: EventEnvelope<T>) => boolean): Promise<EventEnvelope<T>>;
  stop(): Promise<void>;
}

/**
 * A fresh database (`carevault_it_<random>`, migrated), a private nats-server (so that no other identity
 * process in the same queue group can take our requests), and the identity module in-process.
 */
export async function startIdentity(env: Record<string, string> = {}): Promise<IdentityHarness> {
  const db: TestDatabase = await createTestDatabase('carevault_it');
  let nats: NatsServerHandle | undefined;
  let app: INestMicroservice | undefined;
  let nc: NatsConnection | undefined;
  const pg = new Client({ connectionString: db.url });
  const stop = async () => {
    await app?.close().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await nats?.dispose();
    await pg.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
  };
  try {
    await runMigrations(db.url, { schema: SCHEMA, migrations: MIGRATIONS });
    nats = await startNatsServer();
    const config = loadConfig('identity', IdentityEnv, { DATABASE_URL: db.url, NATS_URL: nats.url, LOG_LEVEL: 'silent', DB_POOL_SIZE: '4', ...env });
    const logger = createLogger('identity', 'silent');
    app = await startService('identity', AppModule.register(config, logger), nats.url, logger);
    nc = await connectNats(nats.url, 'identity-it');
    await pg.connect();
  } catch (err) {
    await stop();
    throw err;
  }
  const conn = nc;
  const natsUrl = nats!.url;
  return {
    rpc: new RpcClient(conn, 10_000),
    natsUrl,
    sql: async (text, params) => (await pg.query(text, params)).rows,
    async lastEvent<T>(subject: string, match: (e: EventEnvelope<T>) => boolean = () => true) {
      const jsm = await jetstreamManager(conn);
      const until = Date.now() + 10_000;
      for (;;) {
        const msg = await jsm.streams.getMessage(STREAMS.events.name, { last_by_subj: subject }).catch(() => null);
        const env = msg?.json<EventEnvelope<T>>();
        if (env && match(env)) return env;
        if (Date.now() > until) throw new Error(`no matching event on ${subject}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop,
  };
}

/** The RpcError a request failed with (fails the test when it succeeded). */
export async function rpcError(p: Promise<unknown>): Promise<RpcError> {
  const outcome = await p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected the request to fail, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof RpcError)) throw outcome.error;
  return outcome.error;
}

export const fieldsOf = (e: RpcError) => (e.body.errors ?? []).map((x) => x.field);
