import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * pending: can be picked up; authorized: picked up at least once and, until it expires, can be picked
 * up again (another record); locked: too many wrong answers; expired: a pending one past its expiry
 * (set when the external id is reused); deleted: withdrawn by the application.
 */
export type RequestState = 'pending' | 'authorized' | 'locked' | 'expired' | 'deleted';

@Entity({ schema: 'connect_request', name: 'requests' })
@Index('requests_app_external_id_idx', ['appId', 'externalId'])
export class RequestEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'app_id' })
  appId: string;

  /** One pending request per (app, external id): partial unique index requests_pending_external_id_uq. */
  @Column('text', { name: 'external_id' })
  externalId: string;

  @Column('text', { name: 'friendly_name' })
  friendlyName: string;

  @Column('text')
  question: string;

  /** Argon2id PHC string of the normalized answer. */
  @Column('text', { name: 'answer_hash' })
  answerHash: string;

  /** SHA-256 of the canonical pickup code (unique: requests_code_hash_uq). */
  @Column('bytea', { name: 'code_hash' })
  codeHash: Buffer;

  @Column('text')
  state: RequestState;

  /** Wrong answers plus answers being checked (reserved before the Argon2 check). */
  @Column('integer')
  attempts: number;

  @Column('integer', { name: 'wrong_attempts' })
  wrongAttempts: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  /** The first pickup. */
  @Column('timestamptz', { name: 'authorized_at', nullable: true })
  authorizedAt: Date | null;

  @Column('timestamptz', { name: 'locked_at', nullable: true })
  lockedAt: Date | null;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}

/** One person authorizing the application on one record through a request. */
@Entity({ schema: 'connect_request', name: 'pickups' })
@Index('pickups_app_seq_idx', ['appId', 'seq'])
@Index('pickups_request_grant_uq', ['requestId', 'grantId'], { unique: true })
export class PickupEntity {
  @PrimaryColumn('bigint')
  seq: string;

  @Column('uuid', { name: 'request_id' })
  requestId: string;

  @Column('uuid', { name: 'app_id' })
  appId: string;

  @Column('uuid', { name: 'person_id' })
  personId: string;

  @Column('uuid', { name: 'record_id' })
  recordId: string;

  @Column('uuid', { name: 'grant_id' })
  grantId: string;

  @Column('uuid', { name: 'ticket_id', nullable: true })
  ticketId: string | null;

  @Column('timestamptz', { name: 'authorized_at' })
  authorizedAt: Date;
}
