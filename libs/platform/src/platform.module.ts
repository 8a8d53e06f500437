import { type BeforeApplicationShutdown, type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ServiceName } from '@carevault/contracts';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { jetstream } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Server } from 'node:http';
import type { DataSource, MixedList } from 'typeorm';
import type { BaseEnv } from './config';
import { dataSourceOptions } from './database';
import { checkHealth, createHealthController, startHealthServer } from './health';
import { ensureStreams, type StreamSpec } from './jetstream';
import { OutboxRelay, OutboxWriter } from './outbox';
import { RpcClient } from './rpc-client';
import { NATS_CONNECTION, PINO_LOGGER, SERVICE_CONFIG, SERVICE_NAME } from './tokens';

export function schemaOf(service: ServiceName): string {
  return service.replace(/-/g, '_');
}

export interface PlatformOptions {
  service: ServiceName;
  config: BaseEnv;
  logger: Logger;
  entities: MixedList<Function | string>;
  migrations?: MixedList<Function | string>;
  /** Streams this service publishes to; created at boot if missing. */
  streams?: StreamSpec[];
  /** Run an outbox relay for this service's outbox table. */
  outbox?: boolean;
}

/**
 * `noAsyncTraces`: nats.js otherwise builds two Error objects (stack traces) per request up front, in
 * case it fails; in the gateway's profile that was ~5 % of its CPU per partner call. Our RpcClient maps
 * failures to its own errors anyway.
 */
export async function connectNats(servers: string, name: string): Promise<NatsConnection> {
  return connect({ servers: servers.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true, noAsyncTraces: true });
}

@Injectable()
class PlatformLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private relay?: OutboxRelay;
  private healthServer?: Server;

  constructor(
    @Inject('PLATFORM_OPTIONS') private readonly o: PlatformOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.o.streams?.length) await ensureStreams(this.nc, this.o.streams);
    if (this.o.outbox) {
      this.relay = new OutboxRelay({
        dataSource: this.dataSource,
        schema: schemaOf(this.o.service),
        js: jetstream(this.nc),
        databaseUrl: this.o.config.DATABASE_URL,
        logger: this.o.logger,
      });
      await this.relay.start();
    }
    if (this.o.config.HEALTH_PORT) {
      const startedAt = Date.now();
      this.healthServer = startHealthServer(Number(this.o.config.HEALTH_PORT), async () => {
        const h = await checkHealth(this.o.service, this.dataSource, this.nc, startedAt);
        return h.status === 'up';
      });
    }
  }

  /** The relay needs the database: stop it before TypeORM closes the pool. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.healthServer?.close();
    await this.nc.drain().catch(() => undefined);
  }
}

/** Everything a service needs from the platform: config, logger, database, NATS, outbox, health. */
@Module({})
export class PlatformModule {
  static forService(o: PlatformOptions): DynamicModule {
    const schema = schemaOf(o.service);
    return {
      module: PlatformModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: o.config.DATABASE_URL,
            schema,
            entities: o.entities,
            migrations: o.migrations ?? [],
            poolSize: Number(o.config.DB_POOL_SIZE),
          }),
        }),
      ],
      controllers: [createHealthController(o.service, getDataSourceToken(), NATS_CONNECTION)],
      providers: [
        { provide: 'PLATFORM_OPTIONS', useValue: o },
        { provide: SERVICE_CONFIG, useValue: o.config },
        { provide: SERVICE_NAME, useValue: o.service },
        { provide: PINO_LOGGER, useValue: o.logger },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(o.config.NATS_URL, `${o.service}-platform`) },
        { provide: RpcClient, useFactory: (nc: NatsConnection) => new RpcClient(nc), inject: [NATS_CONNECTION] },
        { provide: OutboxWriter, useValue: new OutboxWriter(schema) },
        PlatformLifecycle,
      ],
      exports: [SERVICE_CONFIG, SERVICE_NAME, PINO_LOGGER, NATS_CONNECTION, RpcClient, OutboxWriter, TypeOrmModule],
    };
  }
}
