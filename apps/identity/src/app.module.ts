import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, STREAMS } from '@carevault/platform';
import type { Logger } from 'pino';
import type { IdentityEnv } from './config';
import { ENTITIES, MIGRATIONS } from './database';

@Module({})
export class AppModule {
  static register(config: IdentityEnv, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({
          service: 'identity',
          config,
          logger,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          streams: [STREAMS.events, STREAMS.audit],
          outbox: true,
        }),
      ],
    };
  }
}
