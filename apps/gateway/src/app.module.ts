import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { ActivityModule } from './activity/activity.module';
import { AdminModule } from './admin/admin.module';
import { AppsPageModule } from './apps-page/apps-page.module';
import type { GatewayConfig } from './config';
import { ConnectModule } from './connect/connect.module';
import { DeviceModule } from './device/device.module';
import { ProblemFilter } from './errors/problem.filter';
import { HealthModule } from './health/health.module';
import { CoreModule } from './nats/core.module';
import { OAuthModule } from './oauth/oauth.module';
import { PartnerApiModule } from './partner-api/partner-api.module';
import { PersonsModule } from './persons/persons.module';

@Module({})
export class AppModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.register(config, logger), HealthModule, AdminModule, PersonsModule, AppsPageModule, ActivityModule, PartnerApiModule, ConnectModule, DeviceModule, OAuthModule.register(config)],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
