import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import type { EventEnvelope } from '@carevault/contracts';
import { type RpcClient, STREAMS, createLogger, loadConfig, startService } from '@carevault/platform';
import { startServiceInfra } from '@carevault/testing';
import { jetstreamManager } from '@nats-io/jetstream';
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
  const infra = await startServiceInfra({ name: 'connect-request', schema: SCHEMA, migrations: MIGRATIONS });
  let app: INestMicroservice;
  let consent: FakeConsent;
  try {
    const config = loadConfig('connect-request', ConnectRequestEnv, { DATABASE_URL: infra.db.url, NATS_URL: infra.nats.url, LOG_LEVEL: 'silent', DB_POOL_SIZE: '8', ...env });
    const logger = createLogger('connect-request', 'silent');
    const started = await startService('connect-request', AppModule.register(config, logger), infra.nats.url, logger);
    app = started;
    infra.onStop(() => started.close());
    const fake = new FakeConsent(infra.nc);
    consent = fake;
    infra.onStop(() => fake.close());
    await infra.nc.flush();
  } catch (err) {
    await infra.stop();
    throw err;
  }
  const stop = infra.stop;
  const conn = infra.nc;
  return {
    app,
    rpc: infra.rpc,
    consent,
    sql: infra.sql,
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

export { rpcError } from '@carevault/testing';
