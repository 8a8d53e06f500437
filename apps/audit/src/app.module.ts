import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, STREAMS } from '@carevault/platform';
import type { Logger } from 'pino';
import type { AuditEnv } from './config';
import { ENTITIES, MIGRATIONS } from './database';
import { LedgerModule } from './ledger/ledger.module';

@Module({})
export class AppModule {
  static register(config: AuditEnv, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({
          service: 'audit',
          config,
          logger,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          streams: [STREAMS.audit],
          outbox: false,
        }),
        LedgerModule,
      ],
    };
  }
}
