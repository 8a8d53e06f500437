import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/**
 * pending: due at nextAttemptAt; delivering: an attempt is in flight (leased); failed: the last attempt
 * failed, the next one is due at nextAttemptAt; succeeded: the partner answered 2xx; dead: gave up
 * (retry horizon passed, or the application has no webhook URL any more) — redeliver to try again.
 */
export const DELIVERY_STATUSES = ['pending', 'delivering', 'failed', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  /** HTTP status of the last attempt; null when it got no answer (timeout, refused) or none was made. */
  lastStatusCode: number | null;
  /** Short reason the last attempt failed (never a secret or the partner's body). */
  lastError: string | null;
  /** null once succeeded or dead. */
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** The application's webhook deliveries, newest first. */
export class ListDeliveriesRequest {
  @IsUUID()
  appId: string;

  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;

  /** nextCursor of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  /** 1..500, default 50. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export interface DeliveryList {
  items: DeliveryView[];
  nextCursor: string | null;
}

/**
 * Sends a delivery again (any status): back to pending, due now, attempts kept, retry horizon restarted.
 * NOT_FOUND when the delivery does not exist or belongs to another application.
 */
export class RedeliverRequest {
  @IsUUID()
  appId: string;

  @IsUUID()
  deliveryId: string;
}

export type RedeliverResponse = DeliveryView;
