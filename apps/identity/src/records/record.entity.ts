import type { Relationship } from '@carevault/contracts';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'identity', name: 'records' })
@Index('records_created_by_idx', ['createdBy'])
export class RecordEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  relationship: Relationship;

  @Column('uuid', { name: 'created_by' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}

/** A person who holds (and may authorize applications on) a record. */
@Entity({ schema: 'identity', name: 'custodians' })
@Index('custodians_person_id_idx', ['personId', 'recordId'])
export class CustodianEntity {
  @PrimaryColumn('uuid', { name: 'record_id', primaryKeyConstraintName: 'custodians_pk' })
  recordId: string;

  @PrimaryColumn('uuid', { name: 'person_id', primaryKeyConstraintName: 'custodians_pk' })
  personId: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
