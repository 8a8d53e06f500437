import { BaseEnv } from '@carevault/platform';
import { Matches } from 'class-validator';

export class PartnerPushEnv extends BaseEnv {
  /** Per-attempt time limit for a webhook POST (connect, send, answer). */
  @Matches(/^[1-9]\d{0,6}$/, { message: 'WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds' })
  WEBHOOK_TIMEOUT_MS = '10000';

  /** How long after its creation a delivery is retried before it goes dead (decimals allowed, e.g. 0.5). */
  @Matches(/^(?!0+(\.0*)?$)\d{1,4}(\.\d{1,9})?$/, { message: 'WEBHOOK_RETRY_HORIZON_HOURS must be a positive number of hours' })
  WEBHOOK_RETRY_HORIZON_HOURS = '24';

  /** Exponential backoff with full jitter: attempt n waits random(0, min(cap, base * 2^(n-1))). */
  @Matches(/^[1-9]\d{0,8}$/, { message: 'WEBHOOK_BACKOFF_BASE_MS must be a whole number of milliseconds' })
  WEBHOOK_BACKOFF_BASE_MS = '1000';

  @Matches(/^[1-9]\d{0,9}$/, { message: 'WEBHOOK_BACKOFF_CAP_MS must be a whole number of milliseconds' })
  WEBHOOK_BACKOFF_CAP_MS = '3600000';

  /** Applications with a delivery in flight at once, per replica (each application has at most one). */
  @Matches(/^[1-9]\d{0,3}$/, { message: 'WEBHOOK_CONCURRENCY must be a whole number (1-9999)' })
  WEBHOOK_CONCURRENCY = '32';

  /** Fallback poll for due deliveries (new ones are started at once, retries on a timer). */
  @Matches(/^[1-9]\d{0,6}$/, { message: 'WEBHOOK_POLL_MS must be a whole number of milliseconds' })
  WEBHOOK_POLL_MS = '500';

  /**
   * A delivery left `delivering` longer than this (its process died) is taken again. Must exceed
   * WEBHOOK_TIMEOUT_MS; default WEBHOOK_TIMEOUT_MS + 5000.
   */
  @Matches(/^(|[1-9]\d{0,7})$/, { message: 'WEBHOOK_LEASE_MS must be a whole number of milliseconds' })
  WEBHOOK_LEASE_MS = '';

  /** How long an application's webhook URL and secret are cached (dropped early on application events). */
  @Matches(/^\d{1,7}$/, { message: 'WEBHOOK_CONFIG_TTL_MS must be a whole number of milliseconds' })
  WEBHOOK_CONFIG_TTL_MS = '30000';
}

/** The numbers the delivery worker runs with, derived once from the validated environment. */
export interface DeliverySettings {
  timeoutMs: number;
  horizonMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  configTtlMs: number;
}

export function deliverySettings(env: PartnerPushEnv): DeliverySettings {
  const timeoutMs = Number(env.WEBHOOK_TIMEOUT_MS);
  const leaseMs = env.WEBHOOK_LEASE_MS ? Number(env.WEBHOOK_LEASE_MS) : timeoutMs + 5000;
  return {
    timeoutMs,
    horizonMs: Math.round(Number(env.WEBHOOK_RETRY_HORIZON_HOURS) * 3600_000),
    backoffBaseMs: Number(env.WEBHOOK_BACKOFF_BASE_MS),
    backoffCapMs: Number(env.WEBHOOK_BACKOFF_CAP_MS),
    concurrency: Number(env.WEBHOOK_CONCURRENCY),
    pollMs: Number(env.WEBHOOK_POLL_MS),
    leaseMs: Math.max(leaseMs, timeoutMs + 1000),
    configTtlMs: Number(env.WEBHOOK_CONFIG_TTL_MS),
  };
}

export const DELIVERY_SETTINGS = Symbol('DELIVERY_SETTINGS');
