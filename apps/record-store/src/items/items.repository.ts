import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ItemCursor } from './cursor';
import type { ItemVersionEntity } from './item-version.entity';
import type { ItemEntity } from './item.entity';

const ITEMS = '"record_store"."items"';
const VERSIONS = '"record_store"."item_versions"';

const ITEM_COLUMNS = `"id", "record_id" AS "recordId", "type", "version", "version_stamp" AS "versionStamp",
  "effective_date" AS "effectiveDate", "resource", "state", "created_at" AS "createdAt", "created_app_id" AS "createdAppId",
  "created_person_id" AS "createdPersonId", "created_instance_id" AS "createdInstanceId", "created_mode" AS "createdMode",
  "updated_at" AS "updatedAt", "updated_app_id" AS "updatedAppId", "updated_person_id" AS "updatedPersonId",
  "updated_instance_id" AS "updatedInstanceId", "updated_mode" AS "updatedMode", "deleted_at" AS "deletedAt"`;

const VERSION_COLUMNS = `"item_id" AS "itemId", "version", "version_stamp" AS "versionStamp", "effective_date" AS "effectiveDate",
  "resource", "state", "at", "app_id" AS "appId", "person_id" AS "personId", "instance_id" AS "instanceId", "mode"`;

/** The columns of the version written with each change of an item, taken from the item row the statement wrote. */
const VERSION_FROM_ROW = `INSERT INTO ${VERSIONS}
  ("item_id", "version", "version_stamp", "effective_date", "resource", "state", "at", "app_id", "person_id", "instance_id", "mode")
  SELECT "id", "version", "version_stamp", "effective_date", "resource", "state", "updated_at", "updated_app_id",
    "updated_person_id", "updated_instance_id", "updated_mode" FROM w`;

export interface ListQuery {
  recordId: string;
  types: string[];
  effectiveFrom?: Date;
  effectiveTo?: Date;
  updatedSince?: Date;
  after?: ItemCursor;
  limit: number;
}

/** The only place with SQL. Each write is one statement (item and its version together, via a CTE). */
@Injectable()
export class ItemsRepository {
  async insert(m: EntityManager, i: ItemEntity): Promise<void> {
    await m.query(
      `WITH w AS (
        INSERT INTO ${ITEMS} ("id", "record_id", "type", "version", "version_stamp", "effective_date", "resource", "state",
          "created_at", "created_app_id", "created_person_id", "created_instance_id", "created_mode",
          "updated_at", "updated_app_id", "updated_person_id", "updated_instance_id", "updated_mode", "deleted_at")
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $9, $10, $11, $12, $13, NULL)
        RETURNING *)
      ${VERSION_FROM_ROW}`,
      [i.id, i.recordId, i.type, i.version, i.versionStamp, i.effectiveDate, JSON.stringify(i.resource), i.state,
        i.createdAt, i.createdAppId, i.createdPersonId, i.createdInstanceId, i.createdMode],
    );
  }

  /** The item (deleted ones too) if it belongs to the record. */
  async find(m: EntityManager, recordId: string, itemId: string): Promise<ItemEntity | null> {
    const rows: ItemEntity[] = await m.query(`SELECT ${ITEM_COLUMNS} FROM ${ITEMS} WHERE "id" = $1 AND "record_id" = $2`, [itemId, recordId]);
    return rows[0] ?? null;
  }

  /**
   * Writes `next` (its version, stamp, content, state, updated_*) only if the item still has
   * `expectedStamp`: of concurrent writers with the same stamp exactly one wins, the others find no row.
   */
  async update(m: EntityManager, next: ItemEntity, expectedStamp: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `WITH w AS (
        UPDATE ${ITEMS} SET "version" = "version" + 1, "version_stamp" = $3, "effective_date" = $4, "resource" = $5::jsonb,
          "state" = $6, "updated_at" = $7, "updated_app_id" = $8, "updated_person_id" = $9, "updated_instance_id" = $10,
          "updated_mode" = $11, "deleted_at" = $12
        WHERE "id" = $1 AND "version_stamp" = $2 AND "state" = 'active'
        RETURNING *)
      ${VERSION_FROM_ROW} RETURNING "version"`,
      [next.id, expectedStamp, next.versionStamp, next.effectiveDate, JSON.stringify(next.resource), next.state,
        next.updatedAt, next.updatedAppId, next.updatedPersonId, next.updatedInstanceId, next.updatedMode, next.deletedAt],
    );
    return rows.length === 1;
  }

  /** Active items, newest effective date first, keyset after `after`; uses the (record_id[, type], effective_date DESC, id DESC) indexes. */
  async list(m: EntityManager, q: ListQuery): Promise<ItemEntity[]> {
    const params: unknown[] = [q.recordId];
    const where = [`"record_id" = $1`, `"state" = 'active'`];
    const param = (v: unknown) => `$${params.push(v)}`;
    where.push(q.types.length === 1 ? `"type" = ${param(q.types[0])}` : `"type" = ANY(${param(q.types)}::text[])`);
    if (q.effectiveFrom) where.push(`"effective_date" >= ${param(q.effectiveFrom)}`);
    if (q.effectiveTo) where.push(`"effective_date" <= ${param(q.effectiveTo)}`);
    if (q.updatedSince) where.push(`"updated_at" >= ${param(q.updatedSince)}`);
    if (q.after) where.push(`("effective_date", "id") < (${param(q.after.effectiveDate)}::timestamptz, ${param(q.after.id)}::uuid)`);
    return m.query(
      `SELECT ${ITEM_COLUMNS} FROM ${ITEMS} WHERE ${where.join(' AND ')}
       ORDER BY "effective_date" DESC, "id" DESC LIMIT ${param(q.limit)}`,
      params,
    );
  }

  async versions(m: EntityManager, itemId: string, limit: number, beforeVersion?: number): Promise<ItemVersionEntity[]> {
    const before = beforeVersion === undefined ? '' : 'AND "version" < $3';
    return m.query(
      `SELECT ${VERSION_COLUMNS} FROM ${VERSIONS} WHERE "item_id" = $1 ${before} ORDER BY "version" DESC LIMIT $2`,
      beforeVersion === undefined ? [itemId, limit] : [itemId, limit, beforeVersion],
    );
  }
}
