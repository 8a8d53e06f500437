import type { PartnerEvent } from '@carevault/contracts';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One partner-visible event in an application's feed; `seq` orders the feed and its deliveries. */
@Entity({ schema: 'partner_push', name: 'app_events' })
@Index('app_events_app_seq_idx', ['appId', 'seq'])
export class AppEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq: string;

  @Column('uuid', { name: 'app_id' })
  appId: string;

  @Column('uuid', { name: 'event_id', unique: true })
  eventId: string;

  @Column('text')
  type: string;

  @Column('json')
  payload: PartnerEvent;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
