import { Module } from '@nestjs/common';
import { DecisionsHandlers } from '../decisions/decisions.handlers';
import { GrantsHandlers } from './grants.handlers';
import { GrantsRepository } from './grants.repository';
import { GrantsService } from './grants.service';

@Module({
  controllers: [GrantsHandlers, DecisionsHandlers],
  providers: [GrantsRepository, GrantsService],
  exports: [GrantsService],
})
export class GrantsModule {}
