import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The current version of each item. Written and read with SQL in items.repository.ts (one round trip
 * per statement); this class documents the table and lets TypeORM check it against the migrations.
 * The two keyset indexes are `effective_date DESC, id DESC` in the migration (TypeORM cannot say DESC).
 */
@Entity({ schema: 'record_store', name: 'items' })
@Check('items_state_ck', `"state" IN ('active', 'deleted')`)
@Index('items_record_type_effective_idx', ['recordId', 'type', 'effectiveDate', 'id'])
@Index('items_record_effective_idx', ['recordId', 'effectiveDate', 'id'])
@Index('items_record_updated_idx', ['recordId', 'updatedAt'])
export class ItemEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'items_pk' })
  id: string;

  @Column('uuid', { name: 'record_id' })
  recordId: string;

  /** The FHIR resource type. */
  @Column('text')
  type: string;

  @Column('integer')
  version: number;

  @Column('text', { name: 'version_stamp' })
  versionStamp: string;

  @Column('timestamptz', { name: 'effective_date' })
  effectiveDate: Date;

  /** Without `id` and the platform's `meta` fields, which are added when the item is read. */
  @Column('jsonb')
  resource: Record<string, unknown>;

  @Column('text')
  state: 'active' | 'deleted';

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('uuid', { name: 'created_app_id' })
  createdAppId: string;

  @Column('uuid', { name: 'created_person_id', nullable: true })
  createdPersonId: string | null;

  @Column('uuid', { name: 'created_instance_id', nullable: true })
  createdInstanceId: string | null;

  @Column('text', { name: 'created_mode' })
  createdMode: string;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('uuid', { name: 'updated_app_id' })
  updatedAppId: string;

  @Column('uuid', { name: 'updated_person_id', nullable: true })
  updatedPersonId: string | null;

  @Column('uuid', { name: 'updated_instance_id', nullable: true })
  updatedInstanceId: string | null;

  @Column('text', { name: 'updated_mode' })
  updatedMode: string;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
