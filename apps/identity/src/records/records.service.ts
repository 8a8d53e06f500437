import { Injectable } from '@nestjs/common';
import { type AddRecordRequest, ErrorCode, type ListRecordsResponse, type RecordView, type Relationship } from '@carevault/contracts';
import { DomainError } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type RecordRow, RecordsRepository } from './records.repository';

export const toRecordView = (r: RecordRow): RecordView => ({
  id: r.id,
  name: r.name,
  relationship: r.relationship,
  createdAt: r.createdAt.toISOString(),
});

@Injectable()
export class RecordsService {
  constructor(private readonly records: RecordsRepository) {}

  /** Creates a record with the person as its custodian; `manager` joins the caller's transaction (sign-up). */
  async create(personId: string, name: string, relationship: Relationship, manager?: EntityManager): Promise<RecordView> {
    const row = await this.records.insertWithCustodian(manager, { id: randomUUID(), name: name.trim(), relationship, personId });
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, 'no such person');
    return toRecordView(row);
  }

  add(req: AddRecordRequest): Promise<RecordView> {
    return this.create(req.personId, req.name, req.relationship);
  }

  async list(personId: string): Promise<ListRecordsResponse> {
    const rows = await this.records.listForPerson(personId);
    return { items: rows.map(toRecordView), nextCursor: null };
  }

  isCustodian(personId: string, recordId: string): Promise<boolean> {
    return this.records.isCustodian(personId, recordId);
  }
}
