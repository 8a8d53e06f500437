import type { EventEnvelope, EventFeedPage } from '@carevault/contracts';
import { validationFailed } from '@carevault/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { decodeSeqCursor, encodeSeqCursor } from '../cursor';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { WebhookConfigCache } from '../webhook-config/webhook-config.cache';
import { FeedRepository } from './feed.repository';
import { applicationChangedBy, partnerEventOf } from './partner-event';

const DEFAULT_PAGE = 100;

@Injectable()
export class FeedService {
  constructor(
    private readonly feed: FeedRepository,
    private readonly deliveries: DeliveriesService,
    private readonly configs: WebhookConfigCache,
  ) {}

  /**
   * In the consumer's transaction (after its inbox row): the partner-visible event goes into the
   * application's feed and, when the application has a webhook URL, a delivery is queued. Throws when
   * identity does not answer, so that JetStream redelivers the event later.
   */
  async ingest(e: EventEnvelope, m: EntityManager): Promise<void> {
    const changedApp = applicationChangedBy(e);
    if (changedApp) this.configs.invalidate(changedApp);
    const event = partnerEventOf(e);
    if (!event) return;
    const appId = event.data.appId;
    const target = await this.configs.get(appId);
    const seq = await this.feed.append(m, appId, event);
    if (seq === null || target === null) return;
    await this.deliveries.enqueue(m, appId, event.id, seq);
  }

  async list(appId: string, after: string | undefined, limit = DEFAULT_PAGE): Promise<EventFeedPage> {
    const afterSeq = after === undefined ? null : decodeSeqCursor(after);
    if (after !== undefined && afterSeq === null) throw validationFailed([{ field: 'after', message: 'after is not a valid cursor' }]);
    const rows = await this.feed.list(appId, afterSeq, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => r.payload),
      nextCursor: last ? encodeSeqCursor(last.seq) : (after ?? null),
      hasMore: rows.length > limit,
    };
  }
}
