import { DeliveryEntity } from './deliveries/delivery.entity';
import { AppEventEntity } from './events/app-event.entity';
import { Init1764400000000 } from './migrations/1764400000000-init';
import { FeedAndDeliveries1764700000000 } from './migrations/1764700000000-feed-and-deliveries';

export const SCHEMA = 'partner_push';
export const ENTITIES = [AppEventEntity, DeliveryEntity];
export const MIGRATIONS = [Init1764400000000, FeedAndDeliveries1764700000000];
