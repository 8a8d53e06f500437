import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, STREAMS } from '@carevault/platform';
import type { Logger } from 'pino';
import type { ConnectRequestEnv } from './config';
import { ENTITIES, MIGRATIONS } from './database';
import { Housekeeping } from './housekeeping/housekeeping';
import { RedeemModule } from './redeem/redeem.module';
import { RequestsModule } from './requests/requests.module';

@Module({})
export class AppModule {
  static register(config: ConnectRequestEnv, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({
          service: 'connect-request',
          config,
          logger,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          streams: [STREAMS.events, STREAMS.audit],
          outbox: true,
        }),
        RequestsModule,
        RedeemModule,
      ],
      providers: [Housekeeping],
    };
  }
}
