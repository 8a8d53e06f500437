import { Module } from '@nestjs/common';
import { AccessTokenVerifier } from './access-token.verifier';
import { EventsController } from './events.controller';
import { GrantsController } from './grants.controller';
import { ItemsController } from './items.controller';
import { PartnerAccessService } from './partner-access.service';

@Module({
  controllers: [ItemsController, GrantsController, EventsController],
  providers: [AccessTokenVerifier, PartnerAccessService],
  exports: [PartnerAccessService, AccessTokenVerifier],
})
export class PartnerApiModule {}
