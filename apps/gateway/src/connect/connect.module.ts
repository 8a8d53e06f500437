import { Module } from '@nestjs/common';
import { PartnerApiModule } from '../partner-api/partner-api.module';
import { CookieWriter } from '../web/cookies';
import { WebModule } from '../web/web.module';
import { ApplicationTokenGuard } from './application-token.guard';
import { ConnectCookie } from './connect-cookie';
import { ConnectFlowService } from './connect-flow.service';
import { ConnectPagesController } from './connect-pages.controller';
import { ConnectRequestsController } from './connect-requests.controller';

/** Patient Connect: the partner routes (/api/v1/connect-requests) and the person's /connect pages. */
@Module({
  imports: [WebModule, PartnerApiModule],
  controllers: [ConnectRequestsController, ConnectPagesController],
  providers: [ApplicationTokenGuard, ConnectFlowService, ConnectCookie, CookieWriter],
})
export class ConnectModule {}
