import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DeviceInstanceRevokeReason, DeviceInstanceView } from '@carevault/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../db';

export interface DeviceInstanceRow {
  id: string;
  appId: string;
  personId: string;
  recordId: string;
  grantId: string;
  oauthGrantId: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

type Raw = {
  id: string;
  app_id: string;
  person_id: string;
  record_id: string;
  grant_id: string;
  oauth_grant_id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

const T = '"identity"."device_instances"';
const COLUMNS = `"id", "app_id", "person_id", "record_id", "grant_id", "oauth_grant_id", "name", "created_at", "last_used_at", "revoked_at"`;
const IS_CUSTODIAN = (instance: string, person: string) =>
  `EXISTS (SELECT 1 FROM "identity"."custodians" c WHERE c."record_id" = ${instance}."record_id" AND c."person_id" = ${person})`;
/** Uses closer together than this are not written down: last_used_at is a hint for the person, not an audit trail. */
export const TOUCH_EVERY_SECONDS = 60;

const toRow = (r: Raw): DeviceInstanceRow => ({
  id: r.id,
  appId: r.app_id,
  personId: r.person_id,
  recordId: r.record_id,
  grantId: r.grant_id,
  oauthGrantId: r.oauth_grant_id,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export const toView = (r: DeviceInstanceRow): DeviceInstanceView => ({
  id: r.id,
  appId: r.appId,
  personId: r.personId,
  recordId: r.recordId,
  grantId: r.grantId,
  name: r.name,
  createdAt: r.createdAt.toISOString(),
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  revokedAt: r.revokedAt?.toISOString() ?? null,
});

/** Which instances a revocation takes: one (by id), every one of a consent grant, or the one of an oidc-provider grant. */
export type InstanceSelector = { id: string } | { grantId: string } | { oauthGrantId: string };

function where(s: InstanceSelector): { sql: string; value: string } {
  if ('id' in s) return { sql: `"id" = $1`, value: s.id };
  if ('grantId' in s) return { sql: `"grant_id" = $1`, value: s.grantId };
  return { sql: `"oauth_grant_id" = $1`, value: s.oauthGrantId };
}

/** The only SQL over identity.device_instances. */
@Injectable()
export class DeviceInstancesRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /** Null when the person is not a custodian of the record. */
  async insert(r: Omit<DeviceInstanceRow, 'createdAt' | 'lastUsedAt' | 'revokedAt'>): Promise<DeviceInstanceRow | null> {
    const rows: Raw[] = await this.dataSource.query(
      `INSERT INTO ${T} ("id", "app_id", "person_id", "record_id", "grant_id", "oauth_grant_id", "name")
       SELECT $1, $2, $3, $4, $5, $6, $7
       WHERE EXISTS (SELECT 1 FROM "identity"."custodians" c WHERE c."record_id" = $4 AND c."person_id" = $3)
       RETURNING ${COLUMNS}`,
      [r.id, r.appId, r.personId, r.recordId, r.grantId, r.oauthGrantId, r.name],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** The instance, locked, when `personId` is a custodian of its record (now, not only when it was authorized). */
  async lockForCustodian(m: EntityManager, instanceId: string, personId: string): Promise<DeviceInstanceRow | null> {
    const rows: Raw[] = await m.query(`SELECT ${COLUMNS} FROM ${T} i WHERE i."id" = $1 AND ${IS_CUSTODIAN('i', '$2')} FOR UPDATE OF i`, [instanceId, personId]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Marks the selected active instances revoked; returns those it changed. */
  async revoke(m: EntityManager, selector: InstanceSelector, reason: DeviceInstanceRevokeReason): Promise<DeviceInstanceRow[]> {
    const w = where(selector);
    const result: unknown = await m.query(
      `UPDATE ${T} SET "revoked_at" = now(), "revoke_reason" = $2 WHERE ${w.sql} AND "revoked_at" IS NULL RETURNING ${COLUMNS}`,
      [w.value, reason],
    );
    return returnedRows<Raw>(result).map(toRow);
  }

  /** The revoked instances of a selector (to finish their token clean-up again after a failure). */
  async revokedOf(selector: InstanceSelector): Promise<DeviceInstanceRow[]> {
    const w = where(selector);
    const rows: Raw[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${T} WHERE ${w.sql} AND "revoked_at" IS NOT NULL`, [w.value]);
    return rows.map(toRow);
  }

  /** Active or not; with `touch`, records the use when the last one is older than TOUCH_EVERY_SECONDS (one statement). */
  async status(instanceId: string, touch: boolean): Promise<boolean> {
    const rows: Array<{ active: boolean }> = await this.dataSource.query(
      `WITH t AS (
         UPDATE ${T} SET "last_used_at" = now()
         WHERE $2::boolean AND "id" = $1 AND "revoked_at" IS NULL
           AND ("last_used_at" IS NULL OR "last_used_at" < now() - make_interval(secs => $3::int))
         RETURNING 1)
       SELECT ("revoked_at" IS NULL) AS "active" FROM ${T} WHERE "id" = $1`,
      [instanceId, touch, TOUCH_EVERY_SECONDS],
    );
    return rows[0]?.active ?? false;
  }

  /** Active instances on the records the person is a custodian of (optionally only `recordIds`), oldest first. */
  async listActiveForCustodian(personId: string, recordIds: string[] | null): Promise<DeviceInstanceRow[]> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${T} i
       WHERE i."revoked_at" IS NULL AND ${IS_CUSTODIAN('i', '$1')} AND ($2::uuid[] IS NULL OR i."record_id" = ANY($2::uuid[]))
       ORDER BY i."record_id", i."app_id", i."created_at", i."id"`,
      [personId, recordIds],
    );
    return rows.map(toRow);
  }
}
