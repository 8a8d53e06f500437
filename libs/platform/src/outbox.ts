import type { EventEnvelope } from '@carevault/contracts';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

export interface NewEvent<T> {
  subject: string;
  type: string;
  data: T;
  correlationId?: string | null;
  version?: number;
  eventId?: string;
}

export function envelopeOf<T>(e: NewEvent<T>): EventEnvelope<T> {
  return {
    eventId: e.eventId ?? randomUUID(),
    type: e.type,
    occurredAt: new Date().toISOString(),
    correlationId: e.correlationId ?? null,
    version: e.version ?? 1,
    data: e.data,
  };
}

/**
 * Writes events into the service's outbox table inside the caller's transaction: the event exists
 * exactly when the change that caused it was committed.
 */
export class OutboxWriter {
  /** The quoted outbox table, for a statement that writes its events together with its own change. */
  readonly table: string;

  constructor(schema: string) {
    this.table = `"${schema}"."outbox"`;
  }

  async enqueue<T>(manager: EntityManager, ...events: NewEvent<T>[]): Promise<EventEnvelope<T>[]> {
    if (events.length === 0) return [];
    const envelopes = events.map(envelopeOf);
    const params: unknown[] = [];
    const values = envelopes.map((env, i) => {
      params.push(env.eventId, events[i]!.subject, JSON.stringify(env));
      return `($${params.length - 2}, $${params.length - 1}, $${params.length}::jsonb)`;
    });
    await manager.query(`INSERT INTO ${this.table} ("event_id", "subject", "envelope") VALUES ${values.join(', ')}`, params);
    return envelopes;
  }
}

export interface OutboxRelayOptions {
  dataSource: DataSource;
  schema: string;
  js: JetStreamClient;
  databaseUrl: string;
  logger: Logger;
  batchSize?: number;
  pollMs?: number;
  publishTimeoutMs?: number;
  retentionHours?: number;
}

interface OutboxRow {
  seq: string;
  event_id: string;
  subject: string;
  envelope: EventEnvelope;
}

/**
 * Publishes committed outbox rows to JetStream (Nats-Msg-Id = event id) and marks them sent.
 * Woken by NOTIFY on insert, and by a poll as a fallback. While NATS is unreachable it keeps the rows
 * and retries with backoff; nothing is lost and, thanks to the message id and idempotent consumers,
 * nothing is applied twice.
 */
export class OutboxRelay {
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private cleanupTimer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  private readonly batchSize: number;
  private readonly table: string;
  published = 0;

  constructor(private readonly o: OutboxRelayOptions) {
    this.batchSize = o.batchSize ?? 500;
    this.table = `"${o.schema}"."outbox"`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.timer = setInterval(() => this.kick(), this.o.pollMs ?? 1000);
    this.timer.unref();
    this.cleanupTimer = setInterval(() => void this.cleanup(), 3600_000);
    this.cleanupTimer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.cleanupTimer);
    clearTimeout(this.retryTimer);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  /** Runs a drain now, or right after the one in progress. */
  kick(): void {
    if (this.stopped || this.retryTimer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const n = await this.publishBatch();
        if (n < this.batchSize || this.stopped) break;
      }
      if (this.failures > 0) this.o.logger.info({ schema: this.o.schema }, 'outbox relay: publishing again');
      this.failures = 0;
    } catch (err) {
      this.failures++;
      const delay = Math.min(5000, 100 * 2 ** Math.min(this.failures, 6));
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.o.logger.warn({ schema: this.o.schema, err: (err as Error).message, retryInMs: delay }, 'outbox relay: cannot publish, will retry');
      }
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, delay);
      this.retryTimer.unref();
    }
  }

  private async publishBatch(): Promise<number> {
    return this.o.dataSource.transaction(async (manager) => {
      // synchronous_commit off for this transaction only (set with the rows it locks, no extra round
      // trip): marking rows sent need not wait for a WAL flush. If a crash loses the mark, the rows are
      // published again, which Nats-Msg-Id and the idempotent consumers absorb, exactly as when the
      // UPDATE below fails after a publish. The rows' own commit (the caller's) stays synchronous.
      const rows: OutboxRow[] = await manager.query(
        `SELECT "seq", "event_id", "subject", "envelope", set_config('synchronous_commit', 'off', true) AS "_" FROM ${this.table}
         WHERE "sent_at" IS NULL ORDER BY "seq" LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const timeout = this.o.publishTimeoutMs ?? 5000;
      await Promise.all(rows.map((r) => this.o.js.publish(r.subject, JSON.stringify(r.envelope), { msgID: r.event_id, timeout })));
      await manager.query(`UPDATE ${this.table} SET "sent_at" = now() WHERE "seq" = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      this.published += rows.length;
      return rows.length;
    });
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.o.databaseUrl });
    client.on('notification', () => this.kick());
    client.on('error', () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.o.schema}_outbox"`);
      this.listener = client;
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'outbox relay: LISTEN failed, polling only for now');
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(() => undefined), 2000).unref();
    }
  }

  private async cleanup(): Promise<void> {
    const hours = this.o.retentionHours ?? 72;
    await this.o.dataSource
      .query(`DELETE FROM ${this.table} WHERE "sent_at" < now() - make_interval(hours => $1)`, [hours])
      .catch((err: Error) => this.o.logger.warn({ err: err.message }, 'outbox cleanup failed'));
  }
}
