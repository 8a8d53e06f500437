import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { NATS_CONNECTION, PINO_LOGGER, RpcClient, SERVICE_CONFIG, connectNats } from '@carevault/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';

/** The gateway's request timeout towards services: long enough for Argon2 at sign-in, short enough to answer 503 in time. */
export const RPC_TIMEOUT_MS = 5000;

@Injectable()
class NatsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  /** Runs after the HTTP server stopped taking requests: in-flight replies are delivered, then the connection closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.nc.drain().catch((err: unknown) => this.logger.warn({ err }, 'NATS drain failed'));
    this.logger.info('gateway stopped');
  }
}

/** Config, logger, the gateway's own NATS connection and the RPC client, for every module. */
@Global()
@Module({})
export class CoreModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: PINO_LOGGER, useValue: logger },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(config.NATS_URL, 'gateway') },
        { provide: RpcClient, useFactory: (nc: NatsConnection) => new RpcClient(nc, RPC_TIMEOUT_MS), inject: [NATS_CONNECTION] },
        NatsLifecycle,
      ],
      exports: [SERVICE_CONFIG, PINO_LOGGER, NATS_CONNECTION, RpcClient],
    };
  }
}
