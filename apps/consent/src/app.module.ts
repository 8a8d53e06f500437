import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, STREAMS } from '@carevault/platform';
import type { Logger } from 'pino';
import type { ConsentEnv } from './config';
import { CustodiansModule } from './custodians/custodians.module';
import { ENTITIES, MIGRATIONS } from './database';
import { GrantsModule } from './grants/grants.module';

@Module({})
export class AppModule {
  static register(config: ConsentEnv, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({
          service: 'consent',
          config,
          logger,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          streams: [STREAMS.events, STREAMS.audit],
          outbox: true,
        }),
        GrantsModule,
        CustodiansModule,
      ],
    };
  }
}
