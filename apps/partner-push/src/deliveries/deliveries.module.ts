import { Module } from '@nestjs/common';
import { WebhookConfigModule } from '../webhook-config/webhook-config.module';
import { AfterCommit } from './after-commit';
import { DeliveriesHandlers } from './deliveries.handlers';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesService } from './deliveries.service';
import { DeliveryWorker } from './delivery-worker';

@Module({
  imports: [WebhookConfigModule],
  controllers: [DeliveriesHandlers],
  providers: [AfterCommit, DeliveriesRepository, DeliveriesService, DeliveryWorker],
  exports: [DeliveriesService, DeliveryWorker],
})
export class DeliveriesModule {}
