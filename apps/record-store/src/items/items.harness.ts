import 'reflect-metadata';
import { type AccessContext, AccessMode, type ErrorCode } from '@carevault/contracts';
import { RpcClient, RpcError, connectNats, createLogger, loadConfig, runMigrations, startService } from '@carevault/platform';
import { type NatsServerHandle, type TestDatabase, createTestDatabase, startNatsServer } from '@carevault/testing';
import type { INestMicroservice } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../app.module';
import { RecordStoreEnv } from '../config';
import { MIGRATIONS, SCHEMA } from '../database';

// Test support for the integration specs (not used by the service).
export const ALL = ['Observation', 'Condition', 'MedicationStatement'];
export const APP = randomUUID();
export const PERSON = randomUUID();

export interface Harness {
  app: INestMicroservice;
  rpc: RpcClient;
  pg: Client;
  databaseUrl: string;
  access(over?: Partial<Omit<AccessContext, 'permissions'>> & { permissions?: Partial<AccessContext['permissions']> }): AccessContext;
  auditOf(correlationId: string): Promise<Array<Record<string, unknown>>>;
  expectError(call: Promise<unknown>, code: ErrorCode): Promise<RpcError>;
  observation(effectiveDateTime: string, over?: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

/** The record-store in-process on a private nats-server and a fresh database, called over NATS like the gateway does. */
export async function startHarness(): Promise<Harness> {
  const db: TestDatabase = await createTestDatabase('cv_it_rs');
  await runMigrations(db.url, { schema: SCHEMA, migrations: MIGRATIONS });
  const nats: NatsServerHandle = await startNatsServer();
  const config = loadConfig('record-store', RecordStoreEnv, { DATABASE_URL: db.url, NATS_URL: nats.url, LOG_LEVEL: 'silent' });
  const logger = createLogger('record-store', 'silent');
  const app: INestMicroservice = await startService('record-store', AppModule.register(config, logger), nats.url, logger);
  const nc: NatsConnection = await connectNats(nats.url, 'record-store-test');
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const recordId = randomUUID();
  return {
    app,
    rpc: new RpcClient(nc, 10_000),
    pg,
    databaseUrl: db.url,
    access: (over = {}) => ({
      recordId,
      appId: APP,
      personId: PERSON,
      instanceId: null,
      mode: AccessMode.Online,
      correlationId: randomUUID(),
      clientAddress: '203.0.113.7',
      ...over,
      permissions: { create: ALL, read: ALL, update: ALL, delete: ALL, ...over.permissions },
    }),
    async auditOf(correlationId) {
      const { rows } = await pg.query(
        `SELECT envelope FROM "${SCHEMA}"."outbox" WHERE subject = 'audit.evt.data-accessed.v1' AND envelope->>'correlationId' = $1 ORDER BY seq`,
        [correlationId],
      );
      return rows.map((r: { envelope: { data: Record<string, unknown> } }) => r.envelope.data);
    },
    async expectError(call, code) {
      const err = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(err instanceof RpcError)) throw new Error(`expected ${code}, got ${err === undefined ? 'an answer' : String(err)}`);
      if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
      return err;
    },
    observation: (effectiveDateTime, over = {}) => ({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
      valueQuantity: { value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
      effectiveDateTime,
      ...over,
    }),
    async stop() {
      await app.close();
      await nc.close();
      await pg.end();
      await nats.dispose();
      await db.drop();
    },
  };
}
