import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'identity', name: 'persons' })
@Index('persons_email_lower_uq', { synchronize: false })
export class PersonEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** As typed at sign-up; unique case-insensitively (index on lower(email)). */
  @Column('text')
  email: string;

  @Column('text')
  name: string;

  /** Argon2id PHC string. */
  @Column('text', { name: 'password_hash' })
  passwordHash: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}

/** One failed sign-in, keyed by the lower-cased email (known or not), for rate limiting. */
@Entity({ schema: 'identity', name: 'sign_in_failures' })
@Index('sign_in_failures_email_key_idx', ['emailKey', 'failedAt'])
export class SignInFailureEntity {
  @PrimaryColumn('bigint')
  id: string;

  @Column('text', { name: 'email_key' })
  emailKey: string;

  @Column('timestamptz', { name: 'failed_at' })
  failedAt: Date;
}
