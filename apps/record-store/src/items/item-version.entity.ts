import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ItemEntity } from './item.entity';

/** Every version of every item, the current one included (a delete is a version with state `deleted`). */
@Entity({ schema: 'record_store', name: 'item_versions' })
export class ItemVersionEntity {
  @PrimaryColumn('uuid', { name: 'item_id', primaryKeyConstraintName: 'item_versions_pk' })
  itemId: string;

  @PrimaryColumn('integer', { primaryKeyConstraintName: 'item_versions_pk' })
  version: number;

  @ManyToOne(() => ItemEntity, { nullable: false })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'item_versions_item_fk' })
  item?: ItemEntity;

  @Column('text', { name: 'version_stamp' })
  versionStamp: string;

  @Column('timestamptz', { name: 'effective_date' })
  effectiveDate: Date;

  @Column('jsonb')
  resource: Record<string, unknown>;

  @Column('text')
  state: 'active' | 'deleted';

  /** When this version was written, by whom. */
  @Column('timestamptz')
  at: Date;

  @Column('uuid', { name: 'app_id' })
  appId: string;

  @Column('uuid', { name: 'person_id', nullable: true })
  personId: string | null;

  @Column('uuid', { name: 'instance_id', nullable: true })
  instanceId: string | null;

  @Column('text')
  mode: string;
}
