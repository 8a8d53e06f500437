import type { EventEnvelope } from '@carevault/contracts';
import { AckPolicy, DeliverPolicy, type JsMsg, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';

export interface StreamSpec {
  name: string;
  subjects: string[];
}

/** The streams Carevault uses. Domain events (grants, connect requests, device instances) and audit events are kept apart. */
export const STREAMS = {
  events: { name: 'CAREVAULT_EVENTS', subjects: ['identity.evt.>', 'consent.evt.>', 'connect-request.evt.>'] },
  audit: { name: 'CAREVAULT_AUDIT', subjects: ['audit.evt.>'] },
  deadLetter: { name: 'CAREVAULT_DEAD_LETTER', subjects: ['dead-letter.>'] },
} as const satisfies Record<string, StreamSpec>;

/** Creates the stream, or brings its subjects up to date. Safe to call from every replica at boot. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, duplicateWindowMs = 120_000): Promise<void> {
  const config = {
    name: spec.name,
    subjects: spec.subjects,
    duplicate_window: duplicateWindowMs * 1_000_000,
  };
  try {
    const info = await jsm.streams.info(spec.name);
    const have = [...info.config.subjects].sort().join(',');
    if (have !== [...spec.subjects].sort().join(',')) await jsm.streams.update(spec.name, { ...info.config, subjects: spec.subjects });
  } catch (err) {
    if (!/not found/i.test((err as Error).message)) throw err;
    try {
      await jsm.streams.add(config);
    } catch (e) {
      if (!/already in use|exists/i.test((e as Error).message)) throw e;
    }
  }
}

export async function ensureStreams(nc: NatsConnection, specs: StreamSpec[]): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const s of specs) await ensureStream(jsm, s);
}

export interface InboxOptions {
  dataSource: DataSource;
  schema: string;
}

export interface ConsumerOptions {
  stream: string;
  durable: string;
  filterSubject?: string;
  /** Deliveries before a message goes to the dead-letter stream. */
  maxDeliver?: number;
  ackWaitMs?: number;
  /** Delay before each redelivery after a failure (the last value repeats). */
  backoffMs?: number[];
  /** When given, the handler runs in a transaction that first records the event id: a repeat is acked and skipped. */
  inbox?: InboxOptions;
  deadLetterStream?: StreamSpec;
  /** With `inbox`: at most this many waiting messages share one transaction (default 100). */
  batchSize?: number;
  logger: Logger;
  handler: (event: EventEnvelope, ctx: { subject: string; deliveryCount: number; manager?: EntityManager }) => Promise<void>;
}

export interface RunningConsumer {
  stop(): Promise<void>;
  readonly processed: number;
}

/**
 * A durable JetStream consumer: explicit ack, bounded redelivery with backoff, dead-letter after the
 * last attempt, and (with `inbox`) exactly-once effects per event id in the consumer's database.
 */
export async function startDurableConsumer(nc: NatsConnection, o: ConsumerOptions): Promise<RunningConsumer> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const maxDeliver = o.maxDeliver ?? 10;
  const backoff = o.backoffMs ?? [500, 2000, 10_000, 30_000];
  const deadLetter = o.deadLetterStream ?? STREAMS.deadLetter;
  await ensureStream(jsm, deadLetter);
  const config = {
    durable_name: o.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: (o.ackWaitMs ?? 30_000) * 1_000_000,
    max_deliver: maxDeliver,
    max_ack_pending: 1000,
    ...(o.filterSubject ? { filter_subject: o.filterSubject } : {}),
  };
  try {
    await jsm.consumers.info(o.stream, o.durable);
    await jsm.consumers.update(o.stream, o.durable, { ack_wait: config.ack_wait, max_deliver: maxDeliver, max_ack_pending: 1000 });
  } catch {
    await jsm.consumers.add(o.stream, config);
  }
  const consumer = await js.consumers.get(o.stream, o.durable);
  const messages = await consumer.consume({ max_messages: 200, expires: 5000 });
  let processed = 0;
  let stopped = false;

  const handle = async (m: JsMsg): Promise<void> => {
    let event: EventEnvelope;
    try {
      event = m.json<EventEnvelope>();
      if (typeof event?.eventId !== 'string') throw new Error('no eventId');
    } catch {
      o.logger.error({ subject: m.subject, seq: m.seq }, 'consumer: message is not an event envelope; dead-lettered');
      await deadLetterOf(m, 'not an event envelope');
      return;
    }
    const deliveryCount = m.info.deliveryCount;
    try {
      if (o.inbox) {
        const { dataSource, schema } = o.inbox;
        await dataSource.transaction(async (manager) => {
          const fresh: unknown[] = await manager.query(
            `INSERT INTO "${schema}"."inbox" ("consumer", "event_id") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
            [o.durable, event.eventId],
          );
          if (fresh.length === 0) return;
          await o.handler(event, { subject: m.subject, deliveryCount, manager });
        });
      } else {
        await o.handler(event, { subject: m.subject, deliveryCount });
      }
      await m.ackAck().catch(() => m.ack());
      processed++;
    } catch (err) {
      if (deliveryCount >= maxDeliver) {
        o.logger.error({ subject: m.subject, eventId: event.eventId, err: (err as Error).message }, 'consumer: giving up; dead-lettered');
        await deadLetterOf(m, (err as Error).message);
      } else {
        const delay = backoff[Math.min(deliveryCount - 1, backoff.length - 1)]!;
        o.logger.warn({ subject: m.subject, eventId: event.eventId, deliveryCount, retryInMs: delay, err: (err as Error).message }, 'consumer: handler failed; will retry');
        m.nak(delay);
      }
    }
  };

  const deadLetterOf = async (m: JsMsg, reason: string): Promise<void> => {
    try {
      await js.publish(`dead-letter.${o.durable}`, m.data, {
        msgID: `${o.durable}:${m.info.stream}:${m.seq}`,
      });
      m.term(reason);
    } catch {
      m.nak(5000);
    }
  };

  /**
   * Messages that arrived while a transaction was running are handled together in the next one: one
   * commit (one WAL flush) for the batch instead of one per message, in stream order. A batch that
   * fails is retried message by message, so one bad event cannot hold back the others.
   */
  const handleBatch = async (batch: JsMsg[]): Promise<void> => {
    if (!o.inbox || batch.length === 1) {
      for (const m of batch) await handle(m);
      return;
    }
    const parsed: Array<{ m: JsMsg; event: EventEnvelope }> = [];
    for (const m of batch) {
      try {
        const event = m.json<EventEnvelope>();
        if (typeof event?.eventId !== 'string') throw new Error('no eventId');
        parsed.push({ m, event });
      } catch {
        await handle(m); // dead-letters it
      }
    }
    const { dataSource, schema } = o.inbox;
    try {
      await dataSource.transaction(async (manager) => {
        for (const { m, event } of parsed) {
          const fresh: unknown[] = await manager.query(
            `INSERT INTO "${schema}"."inbox" ("consumer", "event_id") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
            [o.durable, event.eventId],
          );
          if (fresh.length > 0) await o.handler(event, { subject: m.subject, deliveryCount: m.info.deliveryCount, manager });
        }
      });
    } catch {
      for (const { m } of parsed) await handle(m);
      return;
    }
    // The inbox makes a lost ack harmless (the redelivery is skipped), so no need to wait for each.
    for (const { m } of parsed) m.ack();
    processed += parsed.length;
  };

  const queue: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let readerDone = false;
  const maxBatch = o.batchSize ?? 100;
  const reader = (async () => {
    for await (const m of messages) {
      queue.push(m);
      wake?.();
      // Back-pressure: do not pull far ahead of what the handler can commit within ack_wait.
      while (queue.length >= maxBatch * 4 && !stopped) await new Promise((r) => setTimeout(r, 5));
      if (stopped) break;
    }
    readerDone = true;
    wake?.();
  })();
  const loop = (async () => {
    for (;;) {
      if (queue.length === 0) {
        if (readerDone || stopped) break;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      if (stopped) break;
      await handleBatch(queue.splice(0, maxBatch));
    }
  })();

  return {
    get processed() {
      return processed;
    },
    async stop() {
      stopped = true;
      wake?.();
      await messages.close().catch(() => undefined);
      await reader.catch(() => undefined);
      wake?.();
      await loop.catch(() => undefined);
    },
  };
}
