import { PINO_LOGGER, SERVICE_CONFIG } from '@carevault/platform';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { type ConnectRequestEnv, settingsOf } from '../config';
import { T, rowsOf } from '../db';

/**
 * Hourly, on every replica (the deletes are idempotent): drops pickups past the retention period
 * (they are no longer listed anyway), tickets a day after they expired, and rate-limit counters of
 * windows long gone.
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly retentionDays: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: ConnectRequestEnv,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {
    this.retentionDays = settingsOf(config).retentionDays;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), 3600_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Returns how many rows went, per table. */
  async purge(): Promise<Record<'pickups' | 'tickets' | 'rateLimits', number>> {
    try {
      const pickups = await rowsOf(this.dataSource, `DELETE FROM ${T.pickups} WHERE "authorized_at" <= now() - make_interval(days => $1) RETURNING 1`, [this.retentionDays]);
      const tickets = await rowsOf(this.dataSource, `DELETE FROM ${T.tickets} WHERE "expires_at" < now() - interval '1 day' RETURNING 1`);
      const limits = await rowsOf(this.dataSource, `DELETE FROM ${T.rateLimits} WHERE "window_start" < now() - interval '1 day' RETURNING 1`);
      return { pickups: pickups.length, tickets: tickets.length, rateLimits: limits.length };
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'connect-request housekeeping failed');
      return { pickups: 0, tickets: 0, rateLimits: 0 };
    }
  }
}
