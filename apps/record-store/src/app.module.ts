import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, STREAMS } from '@carevault/platform';
import type { Logger } from 'pino';
import { AccessModule } from './access/access.module';
import type { RecordStoreEnv } from './config';
import { ENTITIES, MIGRATIONS } from './database';
import { ItemsModule } from './items/items.module';

@Module({})
export class AppModule {
  static register(config: RecordStoreEnv, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({
          service: 'record-store',
          config,
          logger,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          streams: [STREAMS.events, STREAMS.audit],
          outbox: true,
        }),
        AccessModule,
        ItemsModule,
      ],
    };
  }
}
