import { type DeliveryList, type DeliveryStatus, type DeliveryView, ErrorCode } from '@carevault/contracts';
import { DomainError, validationFailed } from '@carevault/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DELIVERY_SETTINGS, type DeliverySettings } from '../config';
import { decodeSeqCursor, encodeSeqCursor } from '../cursor';
import { AfterCommit } from './after-commit';
import { DeliveriesRepository, toDeliveryView } from './deliveries.repository';
import { DeliveryWorker } from './delivery-worker';

const DEFAULT_PAGE = 50;

@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly worker: DeliveryWorker,
    private readonly afterCommit: AfterCommit,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
  ) {}

  /** In the consumer's transaction: a delivery of the feed event, sent as soon as the transaction commits. */
  async enqueue(m: EntityManager, appId: string, eventId: string, eventSeq: string): Promise<void> {
    await this.deliveries.insert(m, { appId, eventId, eventSeq, horizonMs: this.settings.horizonMs });
    this.afterCommit.run(m, () => this.worker.kick());
  }

  async list(appId: string, status: DeliveryStatus | undefined, cursor: string | undefined, limit = DEFAULT_PAGE): Promise<DeliveryList> {
    const before = cursor === undefined ? null : decodeSeqCursor(cursor);
    if (cursor !== undefined && before === null) throw validationFailed([{ field: 'cursor', message: 'cursor is not valid' }]);
    const rows = await this.deliveries.list(appId, status, before, limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map(toDeliveryView), nextCursor: rows.length > limit ? encodeSeqCursor(page[page.length - 1]!.event_seq) : null };
  }

  async redeliver(appId: string, deliveryId: string): Promise<DeliveryView> {
    const row = await this.deliveries.redeliver(appId, deliveryId, this.settings.horizonMs);
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, 'no such delivery');
    this.worker.kick();
    return toDeliveryView(row);
  }
}
