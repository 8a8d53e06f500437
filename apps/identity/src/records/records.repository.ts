import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Relationship } from '@carevault/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../db';

export interface RecordRow {
  id: string;
  name: string;
  relationship: Relationship;
  createdAt: Date;
}

export interface CustodianRecordRow extends RecordRow {
  custodianCount: number;
}

/** Why a custodian could not leave a record, or when they left it. */
export type RemoveCustodianOutcome = { removed: true; at: Date } | { removed: false; reason: 'not-custodian' | 'last-custodian' };

type Raw = { id: string; name: string; relationship: Relationship; created_at: Date };
const toRow = (r: Raw): RecordRow => ({ id: r.id, name: r.name, relationship: r.relationship, createdAt: r.created_at });

@Injectable()
export class RecordsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the record and its first custodian in one statement (atomic on its own, or part of the
   * caller's transaction). Null when the person does not exist.
   */
  async insertWithCustodian(
    manager: EntityManager | undefined,
    r: { id: string; name: string; relationship: Relationship; personId: string },
  ): Promise<RecordRow | null> {
    const rows: Raw[] = await (manager ?? this.dataSource.manager).query(
      `WITH r AS (
         INSERT INTO "identity"."records" ("id", "name", "relationship", "created_by")
         SELECT $1, $2, $3, p."id" FROM "identity"."persons" p WHERE p."id" = $4
         RETURNING "id", "name", "relationship", "created_at"),
       c AS (INSERT INTO "identity"."custodians" ("record_id", "person_id") SELECT "id", $4 FROM r)
       SELECT * FROM r`,
      [r.id, r.name, r.relationship, r.personId],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  async listForPerson(personId: string): Promise<RecordRow[]> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT r."id", r."name", r."relationship", r."created_at"
       FROM "identity"."custodians" c JOIN "identity"."records" r ON r."id" = c."record_id"
       WHERE c."person_id" = $1 ORDER BY r."created_at", r."id"`,
      [personId],
    );
    return rows.map(toRow);
  }

  async isCustodian(personId: string, recordId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM "identity"."custodians" WHERE "record_id" = $1 AND "person_id" = $2`,
      [recordId, personId],
    );
    return rows.length > 0;
  }

  /** The record when the person is one of its custodians, with how many custodians it has. */
  async findForCustodian(personId: string, recordId: string): Promise<CustodianRecordRow | null> {
    const rows: Array<Raw & { custodian_count: number }> = await this.dataSource.query(
      `SELECT r."id", r."name", r."relationship", r."created_at",
              (SELECT count(*)::int FROM "identity"."custodians" a WHERE a."record_id" = r."id") AS "custodian_count"
       FROM "identity"."custodians" c JOIN "identity"."records" r ON r."id" = c."record_id"
       WHERE c."person_id" = $1 AND c."record_id" = $2`,
      [personId, recordId],
    );
    return rows[0] ? { ...toRow(rows[0]), custodianCount: rows[0].custodian_count } : null;
  }

  /**
   * Removes the person's custodian row unless they are the record's last custodian. The record row is
   * locked first, so two custodians leaving at once cannot both go and leave the record with none.
   */
  async removeCustodian(manager: EntityManager, personId: string, recordId: string): Promise<RemoveCustodianOutcome> {
    await manager.query(`SELECT 1 FROM "identity"."records" WHERE "id" = $1 FOR UPDATE`, [recordId]);
    const custodians: Array<{ person_id: string }> = await manager.query(`SELECT "person_id" FROM "identity"."custodians" WHERE "record_id" = $1`, [recordId]);
    if (!custodians.some((c) => c.person_id === personId)) return { removed: false, reason: 'not-custodian' };
    if (custodians.length <= 1) return { removed: false, reason: 'last-custodian' };
    const deleted = returnedRows<{ at: Date }>(
      await manager.query(`DELETE FROM "identity"."custodians" WHERE "record_id" = $1 AND "person_id" = $2 RETURNING now() AS "at"`, [recordId, personId]),
    );
    return deleted[0] ? { removed: true, at: deleted[0].at } : { removed: false, reason: 'not-custodian' };
  }
}
