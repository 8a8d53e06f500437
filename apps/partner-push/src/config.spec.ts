import { ConfigError, loadConfig } from '@carevault/platform';
import { PartnerPushEnv, deliverySettings } from './config';

describe(deliverySettings.name, () => {
  it('has the documented defaults', () => {
    expect(deliverySettings(loadConfig('partner-push', PartnerPushEnv, {}))).toEqual({
      timeoutMs: 10_000,
      horizonMs: 24 * 3600_000,
      backoffBaseMs: 1000,
      backoffCapMs: 3600_000,
      concurrency: 32,
      pollMs: 500,
      leaseMs: 15_000,
      configTtlMs: 30_000,
    });
  });

  it('takes a fractional horizon, and never lets the lease be shorter than an attempt', () => {
    const sut = deliverySettings(loadConfig('partner-push', PartnerPushEnv, { WEBHOOK_RETRY_HORIZON_HOURS: '0.5', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_LEASE_MS: '500' }));
    expect(sut.horizonMs).toBe(1800_000);
    expect(sut.leaseMs).toBe(3000);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig('partner-push', PartnerPushEnv, { WEBHOOK_TIMEOUT_MS: '0', WEBHOOK_RETRY_HORIZON_HOURS: '0', WEBHOOK_CONCURRENCY: 'many' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(/WEBHOOK_TIMEOUT_MS[\s\S]*WEBHOOK_RETRY_HORIZON_HOURS[\s\S]*WEBHOOK_CONCURRENCY/);
  });
});
