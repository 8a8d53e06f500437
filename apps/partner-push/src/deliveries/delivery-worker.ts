import { PINO_LOGGER } from '@carevault/platform';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DELIVERY_SETTINGS, type DeliverySettings } from '../config';
import { WebhookConfigCache } from '../webhook-config/webhook-config.cache';
import { backoffDelayMs } from './backoff';
import { type ClaimedDelivery, DeliveriesRepository } from './deliveries.repository';
import { signedHeaders } from './signer';
import { postWebhook } from './webhook-sender';

/**
 * Sends due deliveries: up to WEBHOOK_CONCURRENCY applications at once, one delivery in flight per
 * application, in feed order (see DeliveriesRepository.claim). A slow or failing partner holds only
 * its own slot. Started by kick() right after the consumer commits a new delivery, by a timer when a
 * retry falls due, and by a poll (WEBHOOK_POLL_MS) that also picks up other replicas' work and
 * deliveries whose worker died.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private poll?: NodeJS.Timeout;
  private filling = false;
  private again = false;
  private stopped = true;
  private failures = 0;
  delivered = 0;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly configs: WebhookConfigCache,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.poll = setInterval(() => this.kick(), this.settings.pollMs);
    this.poll.unref();
    this.kick();
  }

  /** Stops taking work and waits for the attempts in flight (each ends within WEBHOOK_TIMEOUT_MS). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    await Promise.allSettled([...this.inFlight.values()]);
    while (this.filling) await new Promise((r) => setTimeout(r, 5));
  }

  /** Looks for due work now, or right after the look in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = true;
    void this.fill().finally(() => {
      this.filling = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async fill(): Promise<void> {
    try {
      while (!this.stopped) {
        const room = this.settings.concurrency - this.inFlight.size;
        if (room <= 0) return;
        const claimed = await this.deliveries.claim(room, this.settings.leaseMs, [...this.inFlight.keys()]);
        for (const d of claimed) {
          const run = this.attempt(d).finally(() => {
            this.inFlight.delete(d.appId);
            this.kick();
          });
          this.inFlight.set(d.appId, run);
        }
        if (claimed.length < room) break;
      }
      this.failures = 0;
    } catch (err) {
      if (this.failures++ % 20 === 0) this.logger.warn({ err: (err as Error).message }, 'partner-push: cannot claim deliveries; will retry');
    }
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    try {
      let target;
      try {
        target = await this.configs.get(d.appId);
      } catch {
        await this.failed(d, null, 'webhook configuration unavailable');
        return;
      }
      if (!target) {
        await this.deliveries.kill(d, 'application has no webhook URL');
        return;
      }
      const headers = signedHeaders(target.secret, d.eventId, d.body);
      const result = await postWebhook(target.url, headers, d.body, this.settings.timeoutMs);
      if (result.ok) {
        if (await this.deliveries.succeed(d, result.statusCode!)) this.delivered++;
      } else {
        await this.failed(d, result.statusCode, result.error ?? 'failed');
      }
    } catch (err) {
      // The database went away mid-attempt: the lease brings the delivery back.
      this.logger.warn({ deliveryId: d.id, appId: d.appId, err: (err as Error).message }, 'partner-push: could not record a delivery attempt');
    }
  }

  private async failed(d: ClaimedDelivery, statusCode: number | null, error: string): Promise<void> {
    const delay = backoffDelayMs(d.attempt, { baseMs: this.settings.backoffBaseMs, capMs: this.settings.backoffCapMs });
    const outcome = await this.deliveries.fail(d, statusCode, error, delay);
    if (!outcome) return;
    if (outcome.status === 'dead') {
      this.logger.warn({ deliveryId: d.id, appId: d.appId, eventId: d.eventId, attempts: d.attempt, error }, 'partner-push: delivery is dead (retry horizon passed)');
      return;
    }
    this.logger.debug({ deliveryId: d.id, appId: d.appId, attempts: d.attempt, error, retryInMs: delay }, 'partner-push: delivery failed; will retry');
    this.wakeAt(outcome.nextAttemptAt);
  }

  /** A retry due before the next poll gets its own timer (matters only for short backoffs). */
  private wakeAt(at: Date | null): void {
    if (!at) return;
    const wait = Math.max(0, at.getTime() - Date.now());
    if (wait >= this.settings.pollMs) return;
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      this.kick();
    }, wait + 5);
    t.unref();
    this.retryTimers.add(t);
  }
}
