import { RpcClient, RpcError, type StreamSpec, connectNats, ensureStreams, runMigrations } from '@carevault/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import type { MixedList } from 'typeorm';
import { type TestDatabase, createTestDatabase } from './database';
import { type NatsServerHandle, startNatsServer } from './processes';

export interface ServiceInfra {
  db: TestDatabase;
  /** A private nats-server: no leftover process in the same queue group can take the suite's requests. */
  nats: NatsServerHandle;
  /** The test's own connection (RPC, publishing, fakes of other services). */
  nc: NatsConnection;
  rpc: RpcClient;
  /** Raw SQL against the suite's database (to check what is stored). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs `cleanup` (e.g. closing the service under test) before the infrastructure goes. */
  onStop(cleanup: () => unknown): void;
  stop(): Promise<void>;
}

/**
 * What an integration suite of one service needs around it: a fresh database migrated with the
 * service's migrations, a private nats-server (with `streams`), a connection and an RPC client on it.
 */
export async function startServiceInfra(o: { name: string; schema: string; migrations: MixedList<Function | string>; streams?: StreamSpec[]; rpcTimeoutMs?: number }): Promise<ServiceInfra> {
  const db = await createTestDatabase(`cv_it_${o.name.replace(/-/g, '_')}`);
  let nats: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  const pg = new Client({ connectionString: db.url });
  const cleanups: Array<() => unknown> = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await nats?.dispose();
    await pg.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
  };
  try {
    await runMigrations(db.url, { schema: o.schema, migrations: o.migrations });
    nats = await startNatsServer();
    nc = await connectNats(nats.url, `${o.name}-it`);
    if (o.streams?.length) await ensureStreams(nc, o.streams);
    await pg.connect();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    db,
    nats,
    nc,
    rpc: new RpcClient(nc, o.rpcTimeoutMs ?? 20_000),
    sql: async (text, params) => (await pg.query(text, params)).rows,
    onStop: (c) => cleanups.push(c),
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

/** Waits until `check` holds, polling; throws naming `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
