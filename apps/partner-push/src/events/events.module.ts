import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { WebhookConfigModule } from '../webhook-config/webhook-config.module';
import { EventsConsumer } from './events.consumer';
import { EventsHandlers } from './events.handlers';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';

@Module({
  imports: [DeliveriesModule, WebhookConfigModule],
  controllers: [EventsHandlers],
  providers: [FeedRepository, FeedService, EventsConsumer],
})
export class EventsModule {}
