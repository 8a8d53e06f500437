import { Init1764400000000 } from './migrations/1764400000000-init';
import { ConnectRequests1764950000000 } from './migrations/1764950000000-connect-requests';
import { PickupEntity, RequestEntity } from './requests/request.entity';
import { RateLimitEntity, TicketEntity } from './redeem/ticket.entity';

export const SCHEMA = 'connect_request';
export const ENTITIES = [RequestEntity, PickupEntity, TicketEntity, RateLimitEntity];
export const MIGRATIONS = [Init1764400000000, ConnectRequests1764950000000];
