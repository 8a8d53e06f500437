import { Module } from '@nestjs/common';
import { AnswerHasher } from '../secrets/answer';
import { PickupService } from './pickup.service';
import { RateLimiter } from './rate-limiter';
import { RedeemHandlers } from './redeem.handlers';
import { RedeemRepository } from './redeem.repository';
import { RedeemService } from './redeem.service';

@Module({
  controllers: [RedeemHandlers],
  providers: [RedeemRepository, RedeemService, PickupService, RateLimiter, AnswerHasher],
})
export class RedeemModule {}
