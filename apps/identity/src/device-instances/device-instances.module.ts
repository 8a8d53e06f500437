import { Module } from '@nestjs/common';
import { OAuthStoreModule } from '../oauth-store/oauth-store.module';
import { DeviceCodeLimitsRepository } from './device-code-limits.repository';
import { DeviceCodeLimitsService } from './device-code-limits.service';
import { DeviceInstancesHandlers } from './device-instances.handlers';
import { DeviceInstancesRepository } from './device-instances.repository';
import { DeviceInstancesService } from './device-instances.service';
import { GrantRevokedConsumer } from './grant-revoked.consumer';

/** Device instances (SODA) and the device flow's shared guards: user-code entry limits and the polling interval. */
@Module({
  imports: [OAuthStoreModule],
  controllers: [DeviceInstancesHandlers],
  providers: [DeviceInstancesRepository, DeviceInstancesService, DeviceCodeLimitsRepository, DeviceCodeLimitsService, GrantRevokedConsumer],
})
export class DeviceInstancesModule {}
