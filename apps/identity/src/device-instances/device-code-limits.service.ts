import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DeviceCodeAttemptResponse, DeviceCodePollResponse } from '@carevault/contracts';
import { PINO_LOGGER } from '@carevault/platform';
import type { Logger } from 'pino';
import { DeviceCodeLimitsRepository } from './device-code-limits.repository';

/** User-code entries allowed per person, and per client address, within the window (wrong codes only: found codes are released). */
export const USER_CODE_LIMIT = { perPerson: 10, perAddress: 10, windowSeconds: 15 * 60 };
/** How long a poll row outlives its device code (device codes live 10 minutes). */
const POLL_KEEP_SECONDS = 30 * 60;
const PURGE_INTERVAL_MS = 5 * 60_000;
const PURGE_BATCH = 5000;

/**
 * The device flow's guards that every gateway replica must agree on, kept in PostgreSQL: how many user
 * codes a person and an address may try (counted before the lookup), and how fast a device may poll.
 */
@Injectable()
export class DeviceCodeLimitsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly limits: DeviceCodeLimitsRepository,
    @Inject(PINO_LOGGER) private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {}

  async attempt(personId: string | undefined, clientAddress: string): Promise<DeviceCodeAttemptResponse> {
    const keys = [{ key: `address:${clientAddress}`, max: USER_CODE_LIMIT.perAddress }];
    if (personId) keys.push({ key: `person:${personId}`, max: USER_CODE_LIMIT.perPerson });
    const attemptId = await this.limits.reserve(keys, USER_CODE_LIMIT.windowSeconds);
    if (!attemptId) this.logger.info({ personId, clientAddress }, 'device code entries rate-limited');
    return { allowed: attemptId !== null, attemptId };
  }

  release(attemptId: string): Promise<boolean> {
    return this.limits.release(attemptId);
  }

  async poll(codeHash: string, intervalSeconds: number): Promise<DeviceCodePollResponse> {
    const r = await this.limits.poll(Buffer.from(codeHash, 'hex'), intervalSeconds, POLL_KEEP_SECONDS);
    return { slowDown: r.slowed, intervalSeconds: r.intervalSeconds };
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.limits.purge(USER_CODE_LIMIT.windowSeconds, PURGE_BATCH).catch((err: unknown) => this.logger.warn({ err }, 'device code purge failed'));
    }, PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
