import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Relationship } from '@carevault/contracts';
import type { DataSource, EntityManager } from 'typeorm';

export interface RecordRow {
  id: string;
  name: string;
  relationship: Relationship;
  createdAt: Date;
}

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
}
