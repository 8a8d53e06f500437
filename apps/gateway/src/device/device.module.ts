import { Module } from '@nestjs/common';
import { WebModule } from '../web/web.module';
import { DeviceInstancesController } from './device-instances.controller';
import { DeviceInstancesView } from './device-instances.view';

/**
 * Device instances on the person's side: disconnecting one (POST /apps/revoke-instance) and listing them
 * for /apps (DeviceInstancesView + deviceInstanceList). The device flow itself is part of the OAuth server
 * (installDeviceFlow, called from createProvider).
 */
@Module({
  imports: [WebModule],
  controllers: [DeviceInstancesController],
  providers: [DeviceInstancesView],
  exports: [DeviceInstancesView],
})
export class DeviceModule {}
