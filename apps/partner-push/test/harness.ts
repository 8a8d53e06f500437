import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { STREAMS, createLogger, loadConfig, startService } from '@carevault/platform';
import { type ServiceInfra, startServiceInfra } from '@carevault/testing';
import { AppModule } from '../src/app.module';
import { PartnerPushEnv } from '../src/config';
import { MIGRATIONS, SCHEMA } from '../src/database';
import { FakeIdentity } from './fake-identity';

export interface Infra extends ServiceInfra {
  identity: FakeIdentity;
}

/** A fresh migrated database, a private nats-server with the events stream, and a fake identity on it. */
export async function startInfra(): Promise<Infra> {
  const infra = await startServiceInfra({ name: 'partner-push', schema: SCHEMA, migrations: MIGRATIONS, streams: [STREAMS.events], rpcTimeoutMs: 10_000 });
  const identity = new FakeIdentity(infra.nc);
  infra.onStop(() => identity.close());
  await infra.nc.flush();
  return { ...infra, identity };
}

/** partner-push in this process against the infra, with extra environment (small backoffs, short timeouts). */
export async function startPartnerPush(infra: Infra, env: Record<string, string> = {}): Promise<INestMicroservice> {
  const config = loadConfig('partner-push', PartnerPushEnv, {
    DATABASE_URL: infra.db.url,
    NATS_URL: infra.nats.url,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '8',
    ...env,
  });
  const logger = createLogger('partner-push', process.env.TEST_LOG_LEVEL ?? 'silent');
  return startService('partner-push', AppModule.register(config, logger), infra.nats.url, logger);
}

export { rpcError, until } from '@carevault/testing';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
