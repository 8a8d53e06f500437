import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A pickup in progress: the code was entered by `personId`; then answered; then completed (used up). */
@Entity({ schema: 'connect_request', name: 'tickets' })
@Index('tickets_request_idx', ['requestId'])
export class TicketEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** SHA-256 of the ticket token (unique: tickets_token_hash_uq). */
  @Column('bytea', { name: 'token_hash' })
  tokenHash: Buffer;

  @Column('uuid', { name: 'request_id' })
  requestId: string;

  @Column('uuid', { name: 'person_id' })
  personId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'answered_at', nullable: true })
  answeredAt: Date | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;
}

/** Code entries counted per key and fixed window (see RateLimiter). */
@Entity({ schema: 'connect_request', name: 'rate_limits' })
export class RateLimitEntity {
  @PrimaryColumn('text')
  key: string;

  @PrimaryColumn('timestamptz', { name: 'window_start' })
  windowStart: Date;

  @Column('integer')
  hits: number;
}
