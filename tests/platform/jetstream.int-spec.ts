import type { EventEnvelope } from '@carevault/contracts';
import { type NatsServerHandle, createTestDatabase, startNatsServer, type TestDatabase } from '@carevault/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { dataSourceOptions, inboxTableSql } from '@carevault/platform';
import { ensureStream, startDurableConsumer } from '@carevault/platform';
import { connectNats } from '@carevault/platform';

// Runs on a private nats-server (or TEST_NATS_URL): the machine's shared NATS may hold Carevault's own streams
// (after an `npm start` against it), whose subjects a test stream must not overlap.
const run = randomBytes(4).toString('hex').toUpperCase();
const STREAM = { name: `CV_IT_${run}`, subjects: [`it${run}.evt.>`] };
const DLQ = { name: `CV_IT_DLQ_${run}`, subjects: [`dead-letter.once-${run}`] };
const SCHEMA = 'jsx';
const logger = pino({ level: 'silent' });

function envelope(data: unknown, eventId = randomUUID()): EventEnvelope {
  return { eventId, type: 'test.thing', occurredAt: new Date().toISOString(), correlationId: null, version: 1, data };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('startDurableConsumer (real NATS JetStream, real PostgreSQL)', () => {
  let nc: NatsConnection;
  let nats: NatsServerHandle | undefined;
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    if (!process.env.TEST_NATS_URL) nats = await startNatsServer();
    nc = await connectNats(process.env.TEST_NATS_URL ?? nats!.url, 'jetstream-it');
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, STREAM);
    db = await createTestDatabase('cv_it_js');
    ds = new DataSource(dataSourceOptions({ url: db.url, schema: SCHEMA, entities: [], migrations: [] }));
    await ds.initialize();
    await ds.query(`CREATE SCHEMA "${SCHEMA}"`);
    for (const sql of inboxTableSql(SCHEMA)) await ds.query(sql);
  });

  afterAll(async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(STREAM.name).catch(() => undefined);
    await jsm.streams.delete(DLQ.name).catch(() => undefined);
    // The consumer helper writes dead letters under dead-letter.<durable>; remove what this run left there.
    await nc.close();
    await nats?.dispose();
    await ds.destroy();
    await db.drop();
  });

  it('applies each event id once even when the same event arrives twice under different message ids', async () => {
    const js = jetstream(nc);
    const seen: string[] = [];
    const consumer = await startDurableConsumer(nc, {
      stream: STREAM.name,
      durable: `once-${run}`,
      filterSubject: `it${run}.evt.once.v1`,
      deadLetterStream: DLQ,
      inbox: { dataSource: ds, schema: SCHEMA },
      logger,
      handler: async (e) => {
        seen.push(e.eventId);
      },
    });
    const a = envelope({ n: 1 });
    const b = envelope({ n: 2 });
    await js.publish(`it${run}.evt.once.v1`, JSON.stringify(a), { msgID: a.eventId });
    await js.publish(`it${run}.evt.once.v1`, JSON.stringify(b), { msgID: b.eventId });
    await js.publish(`it${run}.evt.once.v1`, JSON.stringify(a), { msgID: `${a.eventId}-again` });
    await until(() => consumer.processed >= 3);
    await consumer.stop();
    expect(seen.sort()).toEqual([a.eventId, b.eventId].sort());
    const rows = await ds.query(`SELECT event_id FROM "${SCHEMA}"."inbox" WHERE consumer = $1`, [`once-${run}`]);
    expect(rows).toHaveLength(2);
  });

  it('redelivers a failing event with backoff and dead-letters it after maxDeliver attempts', async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const durable = `it${run}-fail`;
    await ensureStream(jsm, { name: DLQ.name, subjects: [`dead-letter.${durable}`] });
    let attempts = 0;
    const consumer = await startDurableConsumer(nc, {
      stream: STREAM.name,
      durable,
      filterSubject: `it${run}.evt.fail.v1`,
      maxDeliver: 3,
      backoffMs: [100],
      deadLetterStream: { name: DLQ.name, subjects: [`dead-letter.${durable}`] },
      logger,
      handler: async () => {
        attempts++;
        throw new Error('partner is down');
      },
    });
    const e = envelope({ n: 3 });
    await js.publish(`it${run}.evt.fail.v1`, JSON.stringify(e), { msgID: e.eventId });
    await until(async () => (await jsm.streams.info(DLQ.name)).state.messages === 1);
    await consumer.stop();
    expect(attempts).toBe(3);
    const dead = await jsm.streams.getMessage(DLQ.name, { last_by_subj: `dead-letter.${durable}` });
    expect(dead?.json<EventEnvelope>().eventId).toBe(e.eventId);
  });

  it('handles a burst in stream order, batching commits, and isolates a failing event from its batch', async () => {
    const js = jetstream(nc);
    const durable = `burst-${run}`;
    const seen: number[] = [];
    let attemptsOf250 = 0;
    const consumer = await startDurableConsumer(nc, {
      stream: STREAM.name,
      durable,
      filterSubject: `it${run}.evt.burst.v1`,
      deadLetterStream: { name: DLQ.name, subjects: [`dead-letter.${durable}`] },
      backoffMs: [50],
      inbox: { dataSource: ds, schema: SCHEMA },
      logger,
      handler: async (e, ctx) => {
        const n = (e.data as { n: number }).n;
        if (n === 250 && attemptsOf250++ === 0) throw new Error('transient');
        await ctx.manager!.query('SELECT 1');
        seen.push(n);
      },
    });
    const events = Array.from({ length: 500 }, (_, n) => envelope({ n }));
    await Promise.all(events.map((e) => js.publish(`it${run}.evt.burst.v1`, JSON.stringify(e), { msgID: e.eventId })));
    await until(() => new Set(seen).size === 500, 30_000);
    await consumer.stop();
    expect(new Set(seen).size).toBe(500);
    expect(attemptsOf250).toBe(2); // failed once inside its batch, then succeeded on its own
    // Handlers of a rolled-back batch ran once before; what counts is the order of first appearance.
    const firsts = [...new Set(seen)].filter((n) => n !== 250);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    const rows = await ds.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."inbox" WHERE consumer = $1`, [durable]);
    expect(rows[0].n).toBe(500);
  });
});
