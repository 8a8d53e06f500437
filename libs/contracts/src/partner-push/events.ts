import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { PartnerEventType } from './subjects';

/**
 * The least partner-push needs of a source event's `data`: the application it concerns. Grant events
 * carry GrantEventData (consent/events.ts); connect-request and device-instance events are defined by
 * their services and passed to partners as they are (so they must not carry secrets).
 */
export interface PartnerEventSourceData {
  appId: string;
  [field: string]: unknown;
}

/** Grant event data as partners see it (API.md): the internal fields of GrantEventData are left out. */
export interface PartnerGrantData {
  grantId: string;
  appId: string;
  recordId: string;
  personId: string;
  rules: unknown[];
  mode: string;
  version: number;
  at: string;
}

/** One event as a partner sees it: the webhook body, and an item of the polling feed. `id` is the webhook-id. */
export interface PartnerEvent<T = PartnerGrantData | PartnerEventSourceData> {
  id: string;
  type: PartnerEventType;
  occurredAt: string;
  data: T;
}

/** The application's events, oldest first, after the `after` cursor (GET /api/v1/events). */
export class ListEventsRequest {
  @IsUUID()
  appId: string;

  /** An opaque cursor: nextCursor of an earlier page. Absent: from the first event. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;

  /** 1..500, default 100. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export interface EventFeedPage {
  items: PartnerEvent[];
  /**
   * Where to continue: the position after the last item (echoes `after` when there are none, null
   * when the application has no events yet). Unlike other lists it is never null once there are events,
   * so a poller always has a cursor to come back with.
   */
  nextCursor: string | null;
  /** True when more events are waiting right now (ask again at once). */
  hasMore: boolean;
}
