import { IsDefined, IsISO8601, IsInt, IsObject, IsOptional, IsString, IsUUID, Min } from 'class-validator';

/** Every event on JetStream travels in this envelope; consumers de-duplicate on `eventId`. */
export interface EventEnvelope<T = unknown> {
  eventId: string;
  type: string;
  occurredAt: string;
  correlationId: string | null;
  version: number;
  data: T;
}

export class EventEnvelopeDto<T = unknown> implements EventEnvelope<T> {
  @IsUUID()
  eventId: string;

  @IsString()
  type: string;

  @IsISO8601()
  occurredAt: string;

  @IsOptional()
  @IsString()
  correlationId: string | null;

  @IsInt()
  @Min(1)
  version: number;

  @IsDefined()
  @IsObject()
  data: T;
}
