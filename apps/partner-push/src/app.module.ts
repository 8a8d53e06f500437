import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, STREAMS } from '@carevault/platform';
import type { Logger } from 'pino';
import { DELIVERY_SETTINGS, type PartnerPushEnv, deliverySettings } from './config';
import { ENTITIES, MIGRATIONS } from './database';
import { EventsModule } from './events/events.module';

@Module({})
class SettingsModule {}

@Module({})
export class AppModule {
  static register(config: PartnerPushEnv, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({
          service: 'partner-push',
          config,
          logger,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          streams: [STREAMS.events],
        }),
        {
          module: SettingsModule,
          global: true,
          providers: [{ provide: DELIVERY_SETTINGS, useValue: deliverySettings(config) }],
          exports: [DELIVERY_SETTINGS],
        },
        EventsModule,
      ],
    };
  }
}
