import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, STREAMS } from '@carevault/platform';
import type { Logger } from 'pino';
import { ApplicationsModule } from './applications/applications.module';
import { DeviceInstancesModule } from './device-instances/device-instances.module';
import { OAuthStoreModule } from './oauth-store/oauth-store.module';
import type { IdentityEnv } from './config';
import { ENTITIES, MIGRATIONS } from './database';
import { PersonsModule } from './persons/persons.module';
import { RecordsModule } from './records/records.module';
import { SessionsModule } from './sessions/sessions.module';

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
        PersonsModule,
        SessionsModule,
        RecordsModule,
        ApplicationsModule,
        OAuthStoreModule,
        DeviceInstancesModule,
      ],
    };
  }
}
