import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { RpcClient, RpcError } from '@carevault/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DELIVERY_SETTINGS, type DeliverySettings } from '../config';

/** Where an application's webhooks go and the `whsec_` secret they are signed with. Never log it. */
export interface WebhookTarget {
  url: string;
  secret: string;
}

interface Entry {
  target: WebhookTarget | null;
  expiresAt: number;
}

const LOOKUP_TIMEOUT_MS = 2000;

/**
 * Identity owns webhook URLs and secrets; partner-push asks for them and keeps the answer briefly
 * (WEBHOOK_CONFIG_TTL_MS), so that a burst of events for one application costs one request. An
 * application event (registered, changed) drops the entry at once on the replica that consumes it.
 */
@Injectable()
export class WebhookConfigCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<WebhookTarget | null>>();

  constructor(
    private readonly rpc: RpcClient,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
  ) {}

  /** The target, or null when the application has no webhook (or does not exist). Throws RpcError UNAVAILABLE when identity does not answer. */
  get(appId: string): Promise<WebhookTarget | null> {
    const hit = this.entries.get(appId);
    if (hit && hit.expiresAt > Date.now()) return Promise.resolve(hit.target);
    const pending = this.loading.get(appId);
    if (pending) return pending;
    const load: Promise<WebhookTarget | null> = this.fetch(appId)
      .then((target) => {
        // Keep the answer only if nobody invalidated this application while we were asking.
        if (this.loading.get(appId) === load && this.settings.configTtlMs > 0) {
          this.entries.set(appId, { target, expiresAt: Date.now() + this.settings.configTtlMs });
        }
        return target;
      })
      .finally(() => {
        if (this.loading.get(appId) === load) this.loading.delete(appId);
      });
    this.loading.set(appId, load);
    return load;
  }

  invalidate(appId: string): void {
    this.entries.delete(appId);
    this.loading.delete(appId);
  }

  private async fetch(appId: string): Promise<WebhookTarget | null> {
    try {
      const res = await this.rpc.request(IdentityCmd.GetWebhookConfig, { appId }, { timeoutMs: LOOKUP_TIMEOUT_MS });
      return res.webhookUrl && res.webhookSecret ? { url: res.webhookUrl, secret: res.webhookSecret } : null;
    } catch (err) {
      if (err instanceof RpcError && err.code === ErrorCode.NOT_FOUND) return null;
      throw err;
    }
  }
}
