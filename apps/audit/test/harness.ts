import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { STREAMS, createLogger, loadConfig, startService } from '@carevault/platform';
import { type ServiceInfra, startServiceInfra, until as waitUntil } from '@carevault/testing';
import { AppModule } from '../src/app.module';
import { AuditEnv } from '../src/config';
import { MIGRATIONS, SCHEMA } from '../src/database';
import { FakeIdentity } from './fake-identity';

export interface Infra extends ServiceInfra {
  identity: FakeIdentity;
}

/** A fresh migrated database, a private nats-server with the audit stream, and a fake identity on it. */
export async function startInfra(): Promise<Infra> {
  const infra = await startServiceInfra({ name: 'audit', schema: SCHEMA, migrations: MIGRATIONS, streams: [STREAMS.audit] });
  const identity = new FakeIdentity(infra.nc);
  infra.onStop(() => identity.close());
  await infra.nc.flush();
  return { ...infra, identity };
}

/** The audit service in this process, booted the way main.ts boots it. */
export async function startAudit(infra: Infra): Promise<INestMicroservice> {
  const config = loadConfig('audit', AuditEnv, { DATABASE_URL: infra.db.url, NATS_URL: infra.nats.url, LOG_LEVEL: 'silent', DB_POOL_SIZE: '8' });
  const logger = createLogger('audit', process.env.TEST_LOG_LEVEL ?? 'silent');
  return startService('audit', AppModule.register(config, logger), infra.nats.url, logger);
}

export { rpcError } from '@carevault/testing';

export function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  return waitUntil(check, timeoutMs, what);
}
