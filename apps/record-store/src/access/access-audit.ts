import { Injectable } from '@nestjs/common';
import {
  type AccessIdentity,
  type AccessOutcome,
  AuditEventType,
  AuditEvt,
  type DataAccessedEvent,
  type Permission,
} from '@carevault/contracts';
import { OutboxWriter } from '@carevault/platform';
import type { EntityManager } from 'typeorm';

/** What was accessed; for a list call `dataTypes` and `itemCount` instead of one type and item. */
export interface AccessDetails {
  permission: Permission;
  dataType?: string | null;
  itemId?: string | null;
  dataTypes?: string[];
  itemCount?: number;
}

/** The audit event for one access. No resource content, no secrets: only who, what kind, which item, and the outcome. */
export function dataAccessedEvent(access: AccessIdentity, details: AccessDetails, outcome: AccessOutcome, reason: string, at: Date): DataAccessedEvent {
  return {
    recordId: access.recordId,
    appId: access.appId,
    personId: access.personId ?? null,
    instanceId: access.instanceId ?? null,
    mode: access.mode,
    dataType: details.dataType ?? (details.dataTypes?.length === 1 ? details.dataTypes[0]! : null),
    ...(details.dataTypes ? { dataTypes: details.dataTypes } : {}),
    itemId: details.itemId ?? null,
    ...(details.itemCount !== undefined ? { itemCount: details.itemCount } : {}),
    permission: details.permission,
    outcome,
    reason,
    at: at.toISOString(),
    correlationId: access.correlationId ?? null,
    clientAddress: access.clientAddress ?? null,
  };
}

/** Writes `audit.evt.data-accessed.v1` into the outbox, inside the caller's transaction (the access's own). */
@Injectable()
export class AccessAudit {
  constructor(private readonly outbox: OutboxWriter) {}

  async write(manager: EntityManager, access: AccessIdentity, details: AccessDetails, outcome: AccessOutcome, reason: string): Promise<string> {
    const [envelope] = await this.outbox.enqueue<DataAccessedEvent>(manager, {
      subject: AuditEvt.DataAccessed,
      type: AuditEventType.DataAccessed,
      correlationId: access.correlationId,
      data: dataAccessedEvent(access, details, outcome, reason, new Date()),
    });
    return envelope!.eventId;
  }
}
