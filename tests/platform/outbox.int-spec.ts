import { type NatsServerHandle, createTestDatabase, startNatsServer, type TestDatabase } from '@carevault/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { dataSourceOptions, inboxTableSql, outboxTableSql } from '@carevault/platform';
import { ensureStream } from '@carevault/platform';
import { OutboxRelay, OutboxWriter } from '@carevault/platform';
import { connectNats } from '@carevault/platform';

const SCHEMA = 'obx';
const STREAM = { name: 'OBX_TEST', subjects: ['obx.evt.>'] };
const logger = pino({ level: 'silent' });

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('OutboxRelay (real PostgreSQL, private nats-server)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let relay: OutboxRelay;
  const writer = new OutboxWriter(SCHEMA);

  beforeAll(async () => {
    db = await createTestDatabase('cv_it_outbox');
    ds = new DataSource(dataSourceOptions({ url: db.url, schema: SCHEMA, entities: [], migrations: [] }));
    await ds.initialize();
    await ds.query(`CREATE SCHEMA "${SCHEMA}"`);
    for (const sql of [...outboxTableSql(SCHEMA), ...inboxTableSql(SCHEMA)]) await ds.query(sql);
    nats = await startNatsServer();
    nc = await connectNats(nats.url, 'outbox-test');
    await ensureStream(await jetstreamManager(nc), STREAM);
    relay = new OutboxRelay({ dataSource: ds, schema: SCHEMA, js: jetstream(nc), databaseUrl: db.url, logger, pollMs: 200, publishTimeoutMs: 1000 });
    await relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await nc?.close();
    await nats?.dispose();
    await ds?.destroy();
    await db?.drop();
  });

  const streamCount = async () => (await (await jetstreamManager(nc)).streams.info(STREAM.name)).state.messages;
  const unsent = async () => Number((await ds.query(`SELECT count(*) AS n FROM "${SCHEMA}"."outbox" WHERE sent_at IS NULL`))[0].n);

  it('publishes a committed event once, with Nats-Msg-Id = event id', async () => {
    const before = await streamCount();
    const [env] = await ds.transaction((m) => writer.enqueue(m, { subject: 'obx.evt.thing-happened.v1', type: 'thing.happened', data: { n: 1 } }));
    await until(async () => (await unsent()) === 0);
    expect(await streamCount()).toBe(before + 1);
    const msg = await (await jetstreamManager(nc)).streams.getMessage(STREAM.name, { last_by_subj: 'obx.evt.thing-happened.v1' });
    expect(msg?.header?.get('Nats-Msg-Id')).toBe(env!.eventId);
    expect(msg?.json<{ eventId: string; data: unknown }>()).toMatchObject({ eventId: env!.eventId, data: { n: 1 } });
  });

  it('writes nothing when the caller rolls back', async () => {
    const before = Number((await ds.query(`SELECT count(*) AS n FROM "${SCHEMA}"."outbox"`))[0].n);
    await expect(
      ds.transaction(async (m) => {
        await writer.enqueue(m, { subject: 'obx.evt.thing-happened.v1', type: 'thing.happened', data: { n: 2 } });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(Number((await ds.query(`SELECT count(*) AS n FROM "${SCHEMA}"."outbox"`))[0].n)).toBe(before);
  });

  it('keeps events committed while NATS is down and delivers each exactly once after it returns', async () => {
    await until(async () => (await unsent()) === 0);
    const before = await streamCount();
    await nats.stop();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const [env] = await ds.transaction((m) => writer.enqueue(m, { subject: 'obx.evt.while-down.v1', type: 'while.down', data: { i } }));
      ids.push(env!.eventId);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(await unsent()).toBe(25);
    await nats.start();
    await until(async () => (await unsent()) === 0, 30_000);
    expect(await streamCount()).toBe(before + 25);
    // Every event id is in the stream exactly once.
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(STREAM.name, { durable_name: 'check', filter_subject: 'obx.evt.while-down.v1', ack_policy: 'none' as never });
    const c = await js.consumers.get(STREAM.name, 'check');
    const seen: string[] = [];
    const batch = await c.fetch({ max_messages: 100, expires: 2000 });
    for await (const m of batch) seen.push(m.json<{ eventId: string }>().eventId);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('does not duplicate when an already-published row is published again (crash before marking sent)', async () => {
    await until(async () => (await unsent()) === 0);
    const [env] = await ds.transaction((m) => writer.enqueue(m, { subject: 'obx.evt.thing-happened.v1', type: 'thing.happened', data: { n: 3 } }));
    await until(async () => (await unsent()) === 0);
    const before = await streamCount();
    await ds.query(`UPDATE "${SCHEMA}"."outbox" SET sent_at = NULL WHERE event_id = $1`, [env!.eventId]);
    relay.kick();
    await until(async () => (await unsent()) === 0);
    expect(await streamCount()).toBe(before);
  });
});
