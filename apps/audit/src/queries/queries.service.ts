import {
  type ActivityEntry,
  type AuditActorDto,
  type AuditEntryList,
  type AuditEntryView,
  type AuditQueryRequest,
  ErrorCode,
  type ExportFhirRequest,
  type ExportFhirResponse,
  IdentityCmd,
  type RecordActivityList,
  type RecordActivityRequest,
} from '@carevault/contracts';
import { DomainError, RpcClient, RpcError } from '@carevault/platform';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { describe } from '../activity/describe';
import { toBundle } from '../fhir/audit-event';
import { toView } from '../ledger/entry';
import { type EntryFilter, LedgerRepository } from '../ledger/ledger.repository';
import { AppNames } from './app-names';
import { decodeCursor, encodeCursor } from './cursor';

type View = 'query' | 'record-activity' | 'export-fhir';

/**
 * Reads of the audit trail. Each read is itself appended to the trail (`audit-read` / `audit-queried`,
 * with who asked) before its answer leaves: a read that cannot be audited is not answered.
 */
@Injectable()
export class QueriesService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly appNames: AppNames,
    private readonly rpc: RpcClient,
  ) {}

  async query(req: AuditQueryRequest, correlationId: string | null): Promise<AuditEntryList> {
    const actor = checkActor(req.actor);
    if (!actor.operator) throw new DomainError(ErrorCode.ACCESS_DENIED, 'only the operator may query the whole audit trail');
    const { recordId, appId, personId, outcome, from, to } = req;
    const page = await this.page({ recordId, appId, personId, outcome, from, to }, req.cursor, req.limit);
    const filter = Object.entries({ appId, personId, outcome, from, to })
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    await this.audited(actor, 'query', recordId ?? null, page.items.length, correlationId, filter ? { filter: filter.slice(0, 200) } : {});
    return page;
  }

  async recordActivity(req: RecordActivityRequest, correlationId: string | null): Promise<RecordActivityList> {
    const actor = checkActor(req.actor);
    await this.assertMayRead(actor, req.recordId);
    const filter: EntryFilter = { recordId: req.recordId, appId: req.appId, outcome: req.outcome, hideReadsBy: actor.personId };
    const page = await this.page(filter, req.cursor, req.limit);
    const names = await this.appNames.resolve(page.items.map((i) => i.appId));
    const items: ActivityEntry[] = page.items.map((v) => ({
      ...v,
      appName: (v.appId && names.get(v.appId)) || null,
      sentence: describe(v, names, actor.personId),
    }));
    await this.audited(actor, 'record-activity', req.recordId, items.length, correlationId);
    return { items, nextCursor: page.nextCursor };
  }

  async exportFhir(req: ExportFhirRequest, correlationId: string | null): Promise<ExportFhirResponse> {
    const actor = checkActor(req.actor);
    await this.assertMayRead(actor, req.recordId);
    const page = await this.page({ recordId: req.recordId }, req.cursor, req.limit);
    const names = await this.appNames.resolve(page.items.map((i) => i.appId));
    await this.audited(actor, 'export-fhir', req.recordId, page.items.length, correlationId);
    return { bundle: toBundle(page.items, names), nextCursor: page.nextCursor };
  }

  private async page(filter: EntryFilter, cursor: string | undefined, limit = 100): Promise<AuditEntryList> {
    const size = Math.min(Math.max(limit, 1), 500);
    const rows = await this.ledger.find(filter, decodeCursor(cursor), size + 1);
    const items: AuditEntryView[] = rows.slice(0, size).map(toView);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > size && last ? encodeCursor({ occurredAt: last.occurredAt, seq: last.seq }) : null };
  }

  /** The operator may read any record's trail; a person only a record they are a custodian of (else: as if it did not exist). */
  private async assertMayRead(actor: AuditActorDto, recordId: string): Promise<void> {
    if (actor.operator) return;
    let isCustodian: boolean;
    try {
      ({ isCustodian } = await this.rpc.request(IdentityCmd.IsCustodian, { personId: actor.personId!, recordId }, { timeoutMs: 3000 }));
    } catch (err) {
      if (err instanceof RpcError) throw new DomainError(err.code === ErrorCode.NOT_FOUND ? ErrorCode.NOT_FOUND : ErrorCode.UNAVAILABLE, 'cannot check the custodian');
      throw err;
    }
    if (!isCustodian) throw new DomainError(ErrorCode.NOT_FOUND, 'no such record');
  }

  private async audited(actor: AuditActorDto, view: View, recordId: string | null, results: number, correlationId: string | null, extra: Record<string, string> = {}) {
    const now = new Date();
    await this.ledger.dataSource.transaction((m) =>
      this.ledger.append(m, [
        {
          eventId: randomUUID(),
          kind: 'recorded',
          category: 'audit-read',
          action: 'audit-queried',
          outcome: 'success',
          reason: null,
          recordId,
          appId: null,
          instanceId: null,
          personId: actor.personId?.toLowerCase() ?? null,
          dataType: null,
          itemId: null,
          itemCount: null,
          permission: null,
          mode: null,
          correlationId,
          clientAddress: null,
          details: { view, actor: actor.operator ? 'operator' : 'person', results: String(results), ...extra },
          occurredAt: now,
          recordedAt: now,
        },
      ]),
    );
  }
}

/** Exactly one of a person or the operator asks. */
function checkActor(actor: AuditActorDto): AuditActorDto {
  if (!!actor.personId === (actor.operator === true)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'actor must name a person or the operator, not both', [
      { field: 'actor', message: 'actor must be { personId } or { operator: true }' },
    ]);
  }
  return actor;
}
