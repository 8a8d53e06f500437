import { Module } from '@nestjs/common';
import { DeviceModule } from '../device/device.module';
import { CookieWriter } from '../web/cookies';
import { WebModule } from '../web/web.module';
import { ApplicationNames } from './application-names';
import { AppsPageController } from './apps-page.controller';
import { ConnectedAppsService } from './connected-apps.service';
import { FlashMessages } from './flash';
import { LeaveRecordController } from './leave-record.controller';

/** The person's connected applications (/apps, revoke) and leaving a record (/records/leave). */
@Module({
  imports: [WebModule, DeviceModule],
  controllers: [AppsPageController, LeaveRecordController],
  providers: [ApplicationNames, ConnectedAppsService, FlashMessages, CookieWriter],
})
export class AppsPageModule {}
