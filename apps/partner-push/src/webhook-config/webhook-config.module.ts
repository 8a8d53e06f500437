import { Module } from '@nestjs/common';
import { WebhookConfigCache } from './webhook-config.cache';

@Module({
  providers: [WebhookConfigCache],
  exports: [WebhookConfigCache],
})
export class WebhookConfigModule {}
