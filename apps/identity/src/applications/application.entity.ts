import type { ApplicationKind, Rule } from '@carevault/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ schema: 'identity', name: 'applications' })
export class ApplicationEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('applications_client_id_uq', { unique: true })
  @Column('text', { name: 'client_id' })
  clientId: string;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text')
  kind: ApplicationKind;

  @Column('text', { name: 'redirect_uris', array: true })
  redirectUris: string[];

  @Column('text', { name: 'webhook_url', nullable: true })
  webhookUrl: string | null;

  /** SHA-256 of the client secret (a 32-byte random value, so a fast hash is enough); null for device apps. */
  @Column('bytea', { name: 'client_secret_hash', nullable: true })
  clientSecretHash: Buffer | null;

  @Column('timestamptz', { name: 'client_secret_rotated_at', nullable: true })
  clientSecretRotatedAt: Date | null;

  /** Standard Webhooks signing secret (`whsec_...`), kept in plain text because partner-push must sign with it. */
  @Column('text', { name: 'webhook_secret', nullable: true })
  webhookSecret: string | null;

  @Column('integer', { name: 'rule_set_version' })
  ruleSetVersion: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}

/** One version of an application's rules; versions are never changed or removed. */
@Entity({ schema: 'identity', name: 'application_rule_sets' })
export class RuleSetEntity {
  @PrimaryColumn('uuid', { name: 'app_id', primaryKeyConstraintName: 'application_rule_sets_pk' })
  appId: string;

  @PrimaryColumn('integer', { primaryKeyConstraintName: 'application_rule_sets_pk' })
  version: number;

  @Column('jsonb')
  rules: Rule[];

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
