import { Module } from '@nestjs/common';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { WebModule } from '../web/web.module';
import { ActivityController } from './activity.controller';
import { AuditController } from './audit.controller';

/** The audit trail at the gateway: the person's /activity page and the operator's audit routes. */
@Module({
  imports: [WebModule],
  controllers: [ActivityController, AuditController],
  providers: [AdminTokenGuard],
})
export class ActivityModule {}
