import { NATS_CONNECTION, PINO_LOGGER, type RunningConsumer, STREAMS, ensureStreams, startDurableConsumer } from '@carevault/platform';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { SCHEMA } from '../database';
import { FeedService } from './feed.service';

export const DURABLE = 'partner-push';

/**
 * The durable consumer of CAREVAULT_EVENTS (all of it: the server here has no multi-subject filters;
 * events partners do not see cost an inbox row and are skipped). Idempotent on event id via the inbox.
 * Retries for a long time (identity or the database away), because a dead-lettered event never
 * reaches the partner.
 */
@Injectable()
export class EventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: RunningConsumer;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    private readonly feed: FeedService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(this.nc, [STREAMS.events]);
    this.consumer = await startDurableConsumer(this.nc, {
      stream: STREAMS.events.name,
      durable: DURABLE,
      inbox: { dataSource: this.dataSource, schema: SCHEMA },
      maxDeliver: 200,
      ackWaitMs: 10_000,
      backoffMs: [250, 1000, 5000, 15_000],
      logger: this.logger,
      handler: (event, ctx) => this.feed.ingest(event, ctx.manager!),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
