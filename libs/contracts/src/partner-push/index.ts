// Subjects are a contract between services: renaming one needs a migration plan (a new vN+1 subject).
import type { DeliveryList, ListDeliveriesRequest, RedeliverRequest, RedeliverResponse } from './deliveries';
import type { EventFeedPage, ListEventsRequest } from './events';
import { type PartnerPushCmd } from './subjects';

export * from './deliveries';
export * from './events';
export * from './subjects';

/** Request/reply subjects of the partner-push service, with their request and response types. */
export interface PartnerPushRpc {
  [PartnerPushCmd.ListDeliveries]: { request: ListDeliveriesRequest; response: DeliveryList };
  [PartnerPushCmd.Redeliver]: { request: RedeliverRequest; response: RedeliverResponse };
  [PartnerPushCmd.ListEvents]: { request: ListEventsRequest; response: EventFeedPage };
}

/** Events the partner-push service publishes, by subject (none: it only consumes). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PartnerPushEvents {}
