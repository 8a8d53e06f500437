import { NATS_CONNECTION, PINO_LOGGER, type RunningConsumer, SERVICE_CONFIG, STREAMS, ensureStreams } from '@carevault/platform';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditEnv } from '../config';
import { SCHEMA } from '../database';
import type { NewEntry } from '../ledger/entry';
import { LedgerRepository } from '../ledger/ledger.repository';
import { type BatchItem, startBatchConsumer } from './batch-consumer';
import { InvalidAuditEvent, toEntry } from './normalize';

export const DURABLE = 'audit';

/**
 * The durable consumer of CAREVAULT_AUDIT. Events are stored in the order received, in small batches
 * (one transaction each, with their inbox rows, so that a redelivery is skipped, never stored twice).
 * An event that can never be stored (unknown subject, invalid data) goes straight to the dead-letter
 * stream; anything else that fails (the database away) is retried for hours: an audit event must not
 * be dropped.
 */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: RunningConsumer;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: AuditEnv,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    private readonly ledger: LedgerRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(this.nc, [STREAMS.audit]);
    this.consumer = await startBatchConsumer(this.nc, {
      stream: STREAMS.audit.name,
      durable: DURABLE,
      dataSource: this.dataSource,
      schema: SCHEMA,
      maxBatch: 250,
      maxDeliver: 1000,
      ackWaitMs: 30_000,
      backoffMs: [250, 1000, 5000, 15_000, 30_000],
      logger: this.logger,
      handler: (items, manager) => this.ingest(items, manager),
    });
    this.pruneTimer = setInterval(() => void this.pruneInbox(), 3600_000);
    this.pruneTimer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.consumer?.stop();
  }

  /** Drops old inbox rows in small slices (a repeat after that is still caught by entries.event_id). */
  async pruneInbox(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const [{ n }]: Array<{ n: number }> = await this.dataSource.query(
          `WITH d AS (DELETE FROM "${SCHEMA}"."inbox" WHERE ctid IN (
             SELECT ctid FROM "${SCHEMA}"."inbox" WHERE consumer = $1 AND processed_at < now() - make_interval(days => $2) LIMIT 10000)
           RETURNING 1) SELECT count(*)::int AS n FROM d`,
          [DURABLE, Number(this.config.AUDIT_INBOX_RETENTION_DAYS)],
        );
        total += n;
        if (n < 10000) return total;
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'audit: inbox pruning failed; will try again');
      return total;
    }
  }

  private async ingest(items: BatchItem[], manager: EntityManager): Promise<void> {
    const recordedAt = new Date();
    const entries: NewEntry[] = [];
    for (const { subject, event } of items) {
      try {
        entries.push(toEntry(subject, event, recordedAt));
      } catch (err) {
        if (!(err instanceof InvalidAuditEvent)) throw err;
        await this.deadLetter(subject, event, err);
      }
    }
    await this.ledger.append(manager, entries);
  }

  private async deadLetter(subject: string, event: BatchItem['event'], err: InvalidAuditEvent): Promise<void> {
    this.logger.error({ subject, eventId: event.eventId, err: err.message }, 'audit: event cannot be stored; dead-lettered');
    // The details may be why it was refused (a secret under its key): they stay out of the dead-letter stream.
    const data = event.data as { details?: unknown } | null;
    const redacted = { ...event, data: { ...data, ...(data?.details ? { details: '[redacted]' } : {}) } };
    await jetstream(this.nc).publish(`dead-letter.${DURABLE}`, JSON.stringify({ subject, problem: err.message, event: redacted }), {
      msgID: `${DURABLE}:invalid:${event.eventId}`,
    });
  }
}
