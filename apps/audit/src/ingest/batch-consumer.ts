import type { EventEnvelope } from '@carevault/contracts';
import { type RunningConsumer, STREAMS, ensureStreams } from '@carevault/platform';
import { AckPolicy, DeliverPolicy, type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { isUUID } from 'class-validator';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';

export interface BatchItem {
  subject: string;
  event: EventEnvelope;
}

export interface BatchConsumerOptions {
  stream: string;
  durable: string;
  /** The consumer's database and schema: its `inbox` table records the event ids already applied. */
  dataSource: DataSource;
  schema: string;
  maxBatch?: number;
  maxDeliver?: number;
  ackWaitMs?: number;
  backoffMs?: number[];
  logger: Logger;
  /** Applies the new events of a batch (repeats already left out), in the order received, inside the batch's transaction. */
  handler: (items: BatchItem[], manager: EntityManager) => Promise<void>;
}

/**
 * `startDurableConsumer` (libs/platform) with one transaction — one commit, one WAL flush — per batch of
 * what has arrived instead of per message: the same durable consumer, explicit acks, `inbox`
 * idempotency, bounded redelivery with backoff and dead-lettering. A batch that fails is applied again
 * one message at a time, so that one bad message is retried (and dead-lettered) on its own.
 */
export async function startBatchConsumer(nc: NatsConnection, o: BatchConsumerOptions): Promise<RunningConsumer> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const maxBatch = o.maxBatch ?? 250;
  const maxDeliver = o.maxDeliver ?? 10;
  const backoff = o.backoffMs ?? [500, 2000, 10_000, 30_000];
  const ackWait = (o.ackWaitMs ?? 30_000) * 1_000_000;
  await ensureStreams(nc, [STREAMS.deadLetter]);
  try {
    await jsm.consumers.info(o.stream, o.durable);
    await jsm.consumers.update(o.stream, o.durable, { ack_wait: ackWait, max_deliver: maxDeliver, max_ack_pending: 1000 });
  } catch {
    await jsm.consumers.add(o.stream, {
      durable_name: o.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ackWait,
      max_deliver: maxDeliver,
      max_ack_pending: 1000,
    });
  }
  const messages = await (await js.consumers.get(o.stream, o.durable)).consume({ max_messages: 500, expires: 5000 });
  const queue: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let stopped = false;
  let processed = 0;

  const deadLetter = async (m: JsMsg, reason: string): Promise<void> => {
    try {
      await js.publish(`dead-letter.${o.durable}`, m.data, { msgID: `${o.durable}:${m.info.stream}:${m.seq}` });
      m.term(reason);
    } catch {
      m.nak(5000);
    }
  };

  const apply = async (batch: Array<{ m: JsMsg; item: BatchItem }>): Promise<void> => {
    await o.dataSource.transaction(async (manager) => {
      const fresh: Array<{ event_id: string }> = await manager.query(
        `INSERT INTO "${o.schema}"."inbox" ("consumer", "event_id") SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING "event_id"`,
        [o.durable, batch.map((b) => b.item.event.eventId)],
      );
      const todo = new Set(fresh.map((r) => r.event_id));
      // Keep the first of repeats inside the batch, in the order received.
      const items = batch.map((b) => b.item).filter((i) => todo.delete(i.event.eventId.toLowerCase()));
      if (items.length > 0) await o.handler(items, manager);
    });
    // Not awaited one by one: a lost ack only brings a redelivery, which the inbox skips.
    for (const b of batch) b.m.ack();
    processed += batch.length;
  };

  const handle = async (msgs: JsMsg[]): Promise<void> => {
    const batch: Array<{ m: JsMsg; item: BatchItem }> = [];
    for (const m of msgs) {
      try {
        const event = m.json<EventEnvelope>();
        if (typeof event?.eventId !== 'string' || !isUUID(event.eventId)) throw new Error('no event id');
        batch.push({ m, item: { subject: m.subject, event } });
      } catch {
        o.logger.error({ subject: m.subject, seq: m.seq }, 'consumer: message is not an event envelope; dead-lettered');
        await deadLetter(m, 'not an event envelope');
      }
    }
    if (batch.length === 0) return;
    try {
      await apply(batch);
    } catch (err) {
      if (batch.length > 1) {
        for (const b of batch) await handle([b.m]);
        return;
      }
      const { m, item } = batch[0]!;
      const deliveryCount = m.info.deliveryCount;
      const log = { subject: m.subject, eventId: item.event.eventId, deliveryCount, err: (err as Error).message };
      if (deliveryCount >= maxDeliver) {
        o.logger.error(log, 'consumer: giving up; dead-lettered');
        await deadLetter(m, (err as Error).message);
      } else {
        const delay = backoff[Math.min(deliveryCount - 1, backoff.length - 1)]!;
        o.logger.warn({ ...log, retryInMs: delay }, 'consumer: handler failed; will retry');
        m.nak(delay);
      }
    }
  };

  const pump = (async () => {
    for await (const m of messages) {
      if (stopped) {
        m.nak();
        continue;
      }
      queue.push(m);
      wake?.();
    }
    if (!stopped) o.logger.error({ stream: o.stream, durable: o.durable }, 'consumer: the message stream ended; nothing more will be consumed');
  })();

  const loop = (async () => {
    while (!stopped) {
      if (queue.length === 0) {
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      await handle(queue.splice(0, maxBatch));
    }
  })();

  return {
    get processed() {
      return processed;
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop.catch(() => undefined);
      // What arrived but was not applied goes back at once, not after the ack wait.
      for (const m of queue.splice(0)) m.nak();
      await messages.close().catch(() => undefined);
      await pump.catch(() => undefined);
    },
  };
}
