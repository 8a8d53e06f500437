import { type EventFeedPage, ListEventsRequest, PartnerPushCmd } from '@carevault/contracts';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FeedService } from './feed.service';

@Controller()
export class EventsHandlers {
  constructor(private readonly feed: FeedService) {}

  @MessagePattern(PartnerPushCmd.ListEvents)
  list(@Payload() req: ListEventsRequest): Promise<EventFeedPage> {
    return this.feed.list(req.appId, req.after, req.limit);
  }
}
