import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ConsentEvt, type EventEnvelope, type GrantEventData } from '@carevault/contracts';
import { NATS_CONNECTION, PINO_LOGGER, type RunningConsumer, STREAMS, ensureStreams, startDurableConsumer } from '@carevault/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { DeviceInstancesService } from './device-instances.service';

export const GRANTS_DURABLE = 'identity-grants';

/**
 * Revoking an application's grant on a record (consent, e.g. from /apps) ends every device instance of
 * that grant. The consent decision already denies their data calls at once; this ends their token
 * chains, marks them revoked and tells partners (device-instance.revoked). Idempotent on event id.
 */
@Injectable()
export class GrantRevokedConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: RunningConsumer;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    private readonly instances: DeviceInstancesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureStreams(this.nc, [STREAMS.events]);
    this.consumer = await startDurableConsumer(this.nc, {
      stream: STREAMS.events.name,
      durable: GRANTS_DURABLE,
      filterSubject: ConsentEvt.GrantRevoked,
      maxDeliver: 100,
      backoffMs: [250, 1000, 5000, 15_000],
      logger: this.logger,
      handler: (event) => this.handle(event),
    });
  }

  async handle(event: EventEnvelope): Promise<void> {
    const grantId = (event.data as Partial<GrantEventData> | null)?.grantId;
    if (typeof grantId !== 'string') return;
    await this.instances.revokeForConsentGrant(GRANTS_DURABLE, event.eventId, grantId, event.correlationId ?? null);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
