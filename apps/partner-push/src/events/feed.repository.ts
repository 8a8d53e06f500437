import type { PartnerEvent } from '@carevault/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

const T = '"partner_push"."app_events"';

@Injectable()
export class FeedRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Appends to the application's feed; the new seq, or null when the event is there already. */
  async append(m: EntityManager, appId: string, event: PartnerEvent): Promise<string | null> {
    const rows: { seq: string }[] = await m.query(
      `INSERT INTO ${T} ("app_id", "event_id", "type", "payload") VALUES ($1, $2, $3, $4::json)
       ON CONFLICT ("event_id") DO NOTHING RETURNING "seq"`,
      [appId, event.id, event.type, JSON.stringify(event)],
    );
    return rows[0]?.seq ?? null;
  }

  /** The application's events after `afterSeq`, oldest first. */
  list(appId: string, afterSeq: string | null, limit: number): Promise<{ seq: string; payload: PartnerEvent }[]> {
    return this.dataSource.query(`SELECT "seq", "payload" FROM ${T} WHERE "app_id" = $1 AND "seq" > $2::bigint ORDER BY "seq" LIMIT $3`, [
      appId,
      afterSeq ?? '0',
      limit,
    ]);
  }
}
