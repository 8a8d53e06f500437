import type { DeliveryStatus } from '@carevault/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One webhook delivery of one feed event to its application. */
@Entity({ schema: 'partner_push', name: 'deliveries' })
@Index('deliveries_app_seq_idx', ['appId', 'eventSeq'])
@Index('deliveries_app_status_seq_idx', ['appId', 'status', 'eventSeq'])
export class DeliveryEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'app_id' })
  appId: string;

  @Column('uuid', { name: 'event_id', unique: true })
  eventId: string;

  @Column('bigint', { name: 'event_seq' })
  eventSeq: string;

  @Column('text')
  status: DeliveryStatus;

  @Column('integer')
  attempts: number;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt: Date | null;

  /** While `delivering`: when the attempt is presumed lost (its process died) and the delivery is taken again. */
  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  /** Failures after this make the delivery dead; set at creation (and by redeliver) to now + horizon. */
  @Column('timestamptz', { name: 'retry_until' })
  retryUntil: Date;

  @Column('integer', { name: 'last_status_code', nullable: true })
  lastStatusCode: number | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt: Date | null;
}
