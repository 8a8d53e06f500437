import type { GrantSource, GrantState, Rule } from '@carevault/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'consent', name: 'grants' })
@Index('grants_app_created_idx', ['appId', 'createdAt', 'id'])
export class GrantEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'app_id' })
  appId: string;

  @Column('uuid', { name: 'record_id' })
  recordId: string;

  @Column('uuid', { name: 'person_id' })
  personId: string;

  @Column('integer', { name: 'rule_set_version' })
  ruleSetVersion: number;

  @Column('jsonb')
  rules: Rule[];

  @Column('integer')
  version: number;

  @Column('text')
  state: GrantState;

  @Column('text')
  source: GrantSource;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column('text', { name: 'revoked_reason', nullable: true })
  revokedReason: string | null;
}
