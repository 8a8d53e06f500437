import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type CustodianRemovedEvent,
  ErrorCode,
  type GetRecordResponse,
  IdentityEventType,
  IdentityEvt,
  type RemoveCustodianResponse,
} from '@carevault/contracts';
import { DomainError, OutboxWriter } from '@carevault/platform';
import type { DataSource } from 'typeorm';
import { RecordsRepository } from './records.repository';
import { toRecordView } from './records.service';

const NO_SUCH_RECORD = 'no such record';

/**
 * Custodianship of one record: reading it as its custodian, and leaving it. A record always keeps at
 * least one custodian (ARCHITECTURE.md: "each record has one or more custodians"), so the last one
 * cannot leave: CONFLICT. Leaving is announced by `identity.evt.custodian-removed.v1` from the outbox,
 * in the same transaction; consent revokes the grants the person made on the record when it sees it.
 */
@Injectable()
export class CustodianshipService {
  constructor(
    private readonly records: RecordsRepository,
    private readonly outbox: OutboxWriter,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async get(personId: string, recordId: string): Promise<GetRecordResponse> {
    const row = await this.records.findForCustodian(personId, recordId);
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, NO_SUCH_RECORD);
    return { ...toRecordView(row), custodianCount: row.custodianCount };
  }

  async remove(personId: string, recordId: string, correlationId: string | null): Promise<RemoveCustodianResponse> {
    return this.dataSource.transaction(async (manager) => {
      const outcome = await this.records.removeCustodian(manager, personId, recordId);
      if (!outcome.removed) {
        if (outcome.reason === 'last-custodian') {
          throw new DomainError(ErrorCode.CONFLICT, 'the person is the only custodian of this record; a record keeps at least one custodian');
        }
        throw new DomainError(ErrorCode.NOT_FOUND, NO_SUCH_RECORD);
      }
      const data: CustodianRemovedEvent = { recordId, personId, at: outcome.at.toISOString() };
      await this.outbox.enqueue<CustodianRemovedEvent>(manager, { subject: IdentityEvt.CustodianRemoved, type: IdentityEventType.CustodianRemoved, correlationId, data });
      return data;
    });
  }
}
