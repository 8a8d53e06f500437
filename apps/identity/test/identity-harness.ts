import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import type { EventEnvelope } from '@carevault/contracts';
import { type RpcClient, type RpcError, STREAMS, createLogger, loadConfig, startService } from '@carevault/platform';
import { startServiceInfra } from '@carevault/testing';
import { jetstreamManager } from '@nats-io/jetstream';
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
  const infra = await startServiceInfra({ name: 'identity', schema: SCHEMA, migrations: MIGRATIONS, rpcTimeoutMs: 10_000 });
  try {
    const config = loadConfig('identity', IdentityEnv, { DATABASE_URL: infra.db.url, NATS_URL: infra.nats.url, LOG_LEVEL: 'silent', DB_POOL_SIZE: '4', ...env });
    const logger = createLogger('identity', 'silent');
    const app: INestMicroservice = await startService('identity', AppModule.register(config, logger), infra.nats.url, logger);
    infra.onStop(() => app.close());
  } catch (err) {
    await infra.stop();
    throw err;
  }
  const conn = infra.nc;
  return {
    rpc: infra.rpc,
    natsUrl: infra.nats.url,
    sql: infra.sql,
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
    stop: infra.stop,
  };
}

export { rpcError } from '@carevault/testing';

export const fieldsOf = (e: RpcError) => (e.body.errors ?? []).map((x) => x.field);
