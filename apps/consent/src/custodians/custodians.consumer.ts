import { type CustodianRemovedEvent, type EventEnvelope, IdentityEvt } from '@carevault/contracts';
import { NATS_CONNECTION, PINO_LOGGER, type RunningConsumer, STREAMS, ensureStreams, startDurableConsumer } from '@carevault/platform';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { SCHEMA } from '../database';
import { GrantsService } from '../grants/grants.service';

export const DURABLE = 'consent-custodians';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event's record and person, or null when it does not carry them (dead-lettered by the consumer). */
export function custodianRemovedOf(event: EventEnvelope): CustodianRemovedEvent | null {
  const d = event.data as Partial<CustodianRemovedEvent> | null;
  if (typeof d !== 'object' || d === null || typeof d.recordId !== 'string' || typeof d.personId !== 'string') return null;
  if (!UUID.test(d.recordId) || !UUID.test(d.personId)) return null;
  return { recordId: d.recordId, personId: d.personId, at: typeof d.at === 'string' ? d.at : event.occurredAt };
}

/**
 * A person who stops being a custodian of a record takes the grants they made there with them:
 * durable consumer `consent-custodians` of identity's custodian-removed events, idempotent on event id
 * (inbox). Revoking is idempotent too (only active grants are revoked), so a redelivery after a lost
 * ack changes nothing. Retries for long (consent's database away): a dead-lettered event would leave
 * the grants active.
 */
@Injectable()
export class CustodiansConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: RunningConsumer;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    private readonly grants: GrantsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(this.nc, [STREAMS.events]);
    this.consumer = await startDurableConsumer(this.nc, {
      stream: STREAMS.events.name,
      durable: DURABLE,
      filterSubject: IdentityEvt.CustodianRemoved,
      inbox: { dataSource: this.dataSource, schema: SCHEMA },
      maxDeliver: 200,
      ackWaitMs: 15_000,
      backoffMs: [250, 1000, 5000, 15_000],
      logger: this.logger,
      handler: (event) => this.handle(event),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /**
   * Runs inside the inbox transaction; the revocation commits in its own transaction and tells the
   * gateways before it returns (as RevokeRecordGrants does), so the inbox row never gets ahead of it.
   */
  async handle(event: EventEnvelope): Promise<void> {
    const removed = custodianRemovedOf(event);
    if (!removed) throw new Error('custodian-removed event without a record id and a person id');
    const revoked = await this.grants.revokeRecordGrants(removed.recordId, removed.personId, event.correlationId);
    this.logger.info({ eventId: event.eventId, recordId: removed.recordId, personId: removed.personId, revoked }, 'custodian removed: revoked the grants they made on the record');
  }
}
