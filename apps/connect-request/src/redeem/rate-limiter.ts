import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { T, rowsOf } from '../db';

export interface Limit {
  key: string;
  max: number;
}

/**
 * Counts code entries in PostgreSQL, so that every replica agrees: one statement upserts a counter per
 * key in the current fixed window (row locks make concurrent entries count exactly) and reads the
 * previous window. The estimate `hits + ⌈previous · (1 − elapsed share of this window)⌉` smooths the
 * window edge (no double burst at the boundary; rounded against the client). Every entry counts, refused ones too: a client that
 * keeps trying stays limited. Keys are locked in the order given, so callers must keep one order.
 */
@Injectable()
export class RateLimiter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records one hit on every key; true when all of them are within their limit. */
  async hit(limits: [Limit, Limit], windowMinutes: number): Promise<boolean> {
    const rows = await rowsOf<{ key: string; hits: number; previous: number; elapsed: string }>(
      this.dataSource,
      `WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $3::int) * $3::int) AS "start"),
       hit AS (
         INSERT INTO ${T.rateLimits} AS r ("key", "window_start", "hits")
         SELECT v."k", w."start", 1 FROM w, (VALUES (1, $1::text), (2, $2::text)) AS v("i", "k") ORDER BY v."i"
         ON CONFLICT ("key", "window_start") DO UPDATE SET "hits" = r."hits" + 1
         RETURNING r."key", r."hits", r."window_start")
       SELECT hit."key", hit."hits", COALESCE(prev."hits", 0) AS "previous",
              extract(epoch FROM now() - hit."window_start") / $3::int AS "elapsed"
       FROM hit LEFT JOIN ${T.rateLimits} prev
         ON prev."key" = hit."key" AND prev."window_start" = hit."window_start" - make_interval(secs => $3::int)`,
      [limits[0].key, limits[1].key, windowMinutes * 60],
    );
    const max = new Map(limits.map((l) => [l.key, l.max]));
    return rows.every((r) => r.hits + Math.ceil(r.previous * Math.max(0, 1 - Number(r.elapsed))) <= max.get(r.key)!);
  }
}
