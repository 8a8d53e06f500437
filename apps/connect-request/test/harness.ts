import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import type { EventEnvelope } from '@carevault/contracts';
import { RpcClient, RpcError, STREAMS, connectNats, createLogger, loadConfig, runMigrations, startService } from '@carevault/platform';
import { type NatsServerHandle, type TestDatabase, createTestDatabase, startNatsServer } from '@carevault/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { AppModule } from '../src/app.module';
import { ConnectRequestEnv } from '../src/config';
import { MIGRATIONS, SCHEMA } from '../src/database';
import { FakeConsent } from './fake-consent';

export interface ConnectHarness {
  app: INestMicroservice;
  rpc: RpcClient;
  consent: FakeConsent;
  /** Raw SQL against the suite's database (to check what is stored). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Events on `subject` in CAREVAULT_EVENTS matching `match` (waits up to 10 s for `atLeast` of them). */
  events<T>(subject: string, match: (e: EventEnvelope<T>) => boolean, atLeast?: number): Promise<EventEnvelope<T>[]>;
  stop(): Promise<void>;
}

/**
 * A fresh migrated database, a private nats-server (no other connect-request process can take our
 * requests), a fake consent answering get-grant, and the connect-request module in-process.
 */
export async function startConnectRequest(env: Record<string, string> = {}): Promise<ConnectHarness> {
  const db: TestDatabase = await createTestDatabase('cv_it_connect');
  let nats: NatsServerHandle | undefined;
  let app: INestMicroservice | undefined;
  let nc: NatsConnection | undefined;
  let consent: FakeConsent | undefined;
  const pg = new Client({ connectionString: db.url });
  const stop = async () => {
    await app?.close().catch(() => undefined);
    consent?.close();
    await nc?.close().catch(() => undefined);
    await nats?.dispose();
    await pg.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
  };
  try {
    await runMigrations(db.url, { schema: SCHEMA, migrations: MIGRATIONS });
    nats = await startNatsServer();
    const config = loadConfig('connect-request', ConnectRequestEnv, { DATABASE_URL: db.url, NATS_URL: nats.url, LOG_LEVEL: 'silent', DB_POOL_SIZE: '8', ...env });
    const logger = createLogger('connect-request', 'silent');
    app = await startService('connect-request', AppModule.register(config, logger), nats.url, logger);
    nc = await connectNats(nats.url, 'connect-request-it');
    consent = new FakeConsent(nc);
    await nc.flush();
    await pg.connect();
  } catch (err) {
    await stop();
    throw err;
  }
  const conn = nc;
  return {
    app,
    rpc: new RpcClient(conn, 20_000),
    consent,
    sql: async (text, params) => (await pg.query(text, params)).rows,
    async events<T>(subject: string, match: (e: EventEnvelope<T>) => boolean, atLeast = 1) {
      const jsm = await jetstreamManager(conn);
      const until = Date.now() + 10_000;
      for (;;) {
        const found: EventEnvelope<T>[] = [];
        const info = await jsm.streams.info(STREAMS.events.name);
        for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
          const msg = await jsm.streams.getMessage(STREAMS.events.name, { seq }).catch(() => null);
          if (msg?.subject !== subject) continue;
          const e = msg.json<EventEnvelope<T>>();
          if (match(e)) found.push(e);
        }
        if (found.length >= atLeast || Date.now() > until) return found;
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
