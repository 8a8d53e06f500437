import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AccessContext,
  AccessReason,
  type AccessOutcome,
  AuditEventType,
  AuditEvt,
  type DataAccessedEvent,
  type CreateItemRequest,
  type DeleteItemRequest,
  ErrorCode,
  type GetItemRequest,
  type ItemVersionsRequest,
  type ItemVersionsResponse,
  type ItemView,
  LIST_LIMIT_DEFAULT,
  type ListItemsRequest,
  type ListItemsResponse,
  Permission,
  type UpdateItemRequest,
} from '@carevault/contracts';
import { DomainError, type NewEvent, validationFailed } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AccessAudit, type AccessDetails, dataAccessedEvent } from '../access/access-audit';
import { listableTypes, may } from '../access/permissions';
import { effectiveDateOf } from '../fhir/effective-date';
import { FhirValidator } from '../fhir/fhir-validator';
import { decodeItemCursor, decodeVersionCursor, encodeItemCursor, encodeVersionCursor } from './cursor';
import { toItemView, toVersionView } from './item-view';
import type { ItemEntity } from './item.entity';
import { ItemsRepository } from './items.repository';
import { fitPage } from './page';

const notFound = () => new DomainError(ErrorCode.NOT_FOUND, 'no such item in this record');
const accessDenied = (what: string) => new DomainError(ErrorCode.ACCESS_DENIED, what);
const stale = () => new DomainError(ErrorCode.VERSION_STAMP_MISMATCH, 'the item has changed since that version stamp; read it again');

/** A transaction answers a value or a refusal; a refusal is thrown only after its audit row is committed. */
function unwrap<T>(result: T | DomainError): T {
  if (result instanceof DomainError) throw result;
  return result;
}

/**
 * Items of a record. Every access is checked against the access context's permissions per item and
 * audited, allowed or denied, in the same transaction as the access itself.
 */
@Injectable()
export class ItemsService {
  constructor(
    private readonly items: ItemsRepository,
    private readonly audit: AccessAudit,
    private readonly fhir: FhirValidator,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create({ access, resource }: CreateItemRequest): Promise<ItemView> {
    const prepared = this.fhir.prepare(resource, access.recordId);
    const details = { permission: Permission.Create, dataType: prepared.type };
    if (!may(access, Permission.Create, prepared.type)) {
      await this.audit.write(this.dataSource.manager, access, details, 'denied', AccessReason.NotPermitted);
      throw accessDenied(`this application may not create ${prepared.type} items in this record`);
    }
    const now = new Date();
    const item: ItemEntity = {
      id: randomUUID(),
      recordId: access.recordId,
      type: prepared.type,
      version: 1,
      versionStamp: randomUUID(),
      effectiveDate: effectiveDateOf(prepared.resource, now),
      resource: prepared.resource,
      state: 'active',
      ...authorColumns('created', access, now),
      ...authorColumns('updated', access, now),
      deletedAt: null,
    };
    // Item, first version and audit event in one statement (one transaction, one round trip).
    await this.items.insert(this.dataSource.manager, item, [auditEvent(access, { ...details, itemId: item.id }, 'allowed', AccessReason.Permitted)]);
    return toItemView(item);
  }

  async get({ access, itemId }: GetItemRequest): Promise<ItemView> {
    // One statement reads the item and audits the read with its outcome (allowed, or denied as not
    // found / not permitted), decided in SQL by the same test as authorize() on the same permissions;
    // the answer is decided here again and must agree, or nothing is answered.
    const template = auditEvent(access, { permission: Permission.Read, dataType: null, itemId }, 'allowed', AccessReason.Permitted);
    const { item, reason, audited } = await this.items.readAudited(this.dataSource.manager, access.recordId, itemId, access.permissions.read, template);
    const expected = !item || item.state !== 'active' ? AccessReason.NotFound : may(access, Permission.Read, item.type) ? AccessReason.Permitted : AccessReason.NotPermitted;
    if (!audited || reason !== expected) throw new Error(`read audit mismatch: ${reason} audited=${audited}, expected ${expected}`);
    if (reason === AccessReason.NotFound) throw notFound();
    if (reason === AccessReason.NotPermitted) throw accessDenied(`this application may not read ${item!.type} items in this record`);
    return toItemView(item!);
  }

  async list(q: ListItemsRequest): Promise<ListItemsResponse> {
    const { access } = q;
    const after = q.cursor ? decodeItemCursor(q.cursor) : undefined;
    if (after === null) throw validationFailed([{ field: 'cursor', message: 'cursor is not one this service returned' }]);
    const listable = listableTypes(access, q.types);
    if ('denied' in listable) {
      const dataTypes = q.types?.length ? q.types : [];
      await this.audit.write(this.dataSource.manager, access, { permission: Permission.Read, dataTypes }, 'denied', AccessReason.NotPermitted);
      throw accessDenied(
        listable.denied.length > 0
          ? `this application may not read ${listable.denied.join(', ')} items in this record`
          : 'this application may not read any items in this record',
      );
    }
    const limit = q.limit ?? LIST_LIMIT_DEFAULT;
    // The page and its audit event (with the page's size) in one statement.
    const details = { permission: Permission.Read, dataTypes: listable.types, itemCount: 0 };
    const rows = await this.items.listAuditing(
      this.dataSource.manager,
      {
        recordId: access.recordId,
        types: listable.types,
        effectiveFrom: q.effectiveFrom ? new Date(q.effectiveFrom) : undefined,
        effectiveTo: q.effectiveTo ? new Date(q.effectiveTo) : undefined,
        updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined,
        after,
        limit: limit + 1,
      },
      limit,
      auditEvent(access, details, 'allowed', AccessReason.Permitted),
    );
    const { page, more } = fitPage(rows.map(toItemView), limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: more && last ? encodeItemCursor({ effectiveDate: new Date(last.effectiveDate), id: last.id }) : null };
  }

  async update(req: UpdateItemRequest): Promise<ItemView> {
    const { access, itemId, ifMatch } = req;
    if (!ifMatch) throw new DomainError(ErrorCode.PRECONDITION_REQUIRED, 'If-Match with the version stamp you last read is required to change an item');
    const prepared = this.fhir.prepare(req.resource, access.recordId);
    return this.change(access, itemId, ifMatch, Permission.Update, (item, now) => {
      if (prepared.type !== item.type) {
        return validationFailed([{ field: 'resourceType', message: `the data type of an item cannot change: this item is a ${item.type}` }]);
      }
      return { resource: prepared.resource, effectiveDate: effectiveDateOf(prepared.resource, item.createdAt), state: 'active', deletedAt: null, now };
    });
  }

  /** Soft delete: a new version with state `deleted`; the item then answers NOT_FOUND but keeps its history. */
  async remove({ access, itemId, ifMatch }: DeleteItemRequest): Promise<ItemView> {
    if (!ifMatch) throw new DomainError(ErrorCode.PRECONDITION_REQUIRED, 'If-Match with the version stamp you last read is required to delete an item');
    return this.change(access, itemId, ifMatch, Permission.Delete, (item, now) => ({
      resource: item.resource,
      effectiveDate: item.effectiveDate,
      state: 'deleted',
      deletedAt: now,
      now,
    }));
  }

  async versions({ access, itemId, limit, cursor }: ItemVersionsRequest): Promise<ItemVersionsResponse> {
    const before = cursor ? decodeVersionCursor(cursor) : undefined;
    if (before === null) throw validationFailed([{ field: 'cursor', message: 'cursor is not one this service returned' }]);
    const pageSize = limit ?? LIST_LIMIT_DEFAULT;
    return unwrap(
      await this.dataSource.transaction(async (m) => {
        const item = await this.authorize(m, access, Permission.Read, itemId, true);
        if (item instanceof DomainError) return item;
        const rows = await this.items.versions(m, itemId, pageSize + 1, before);
        await this.audit.write(m, access, { permission: Permission.Read, dataType: item.type, itemId }, 'allowed', AccessReason.Permitted);
        const { page, more } = fitPage(rows.map((v) => toVersionView(item, v)), pageSize);
        const last = page[page.length - 1];
        return { items: page, nextCursor: more && last ? encodeVersionCursor(last.version) : null };
      }),
    );
  }

  /** Update and delete: load, authorize, check the stamp, then a conditional write (exactly one of concurrent writers wins). */
  private async change(
    access: AccessContext,
    itemId: string,
    ifMatch: string,
    permission: Permission,
    next: (item: ItemEntity, now: Date) => Pick<ItemEntity, 'resource' | 'effectiveDate' | 'state' | 'deletedAt'> & { now: Date } | DomainError,
  ): Promise<ItemView> {
    return unwrap(
      await this.dataSource.transaction(async (m) => {
        const item = await this.authorize(m, access, permission, itemId, false);
        if (item instanceof DomainError) return item;
        const change = next(item, new Date());
        if (change instanceof DomainError) return change;
        if (item.versionStamp !== ifMatch) return stale();
        const { now, ...content } = change;
        const written: ItemEntity = { ...item, ...content, version: item.version + 1, versionStamp: randomUUID(), ...authorColumns('updated', access, now) };
        if (!(await this.items.update(m, written, ifMatch))) return stale();
        await this.audit.write(m, access, { permission, dataType: item.type, itemId }, 'allowed', AccessReason.Permitted);
        return toItemView(written);
      }),
    );
  }

  /**
   * The item when the app may use `permission` on it; otherwise the refusal, with its denial audited.
   * An item of another record is not found, and its data type stays out of this record's audit trail.
   */
  private async authorize(m: EntityManager, access: AccessContext, permission: Permission, itemId: string, includeDeleted: boolean): Promise<ItemEntity | DomainError> {
    const item = await this.items.find(m, access.recordId, itemId);
    if (!item || (item.state === 'deleted' && !includeDeleted)) {
      await this.audit.write(m, access, { permission, dataType: item?.type ?? null, itemId }, 'denied', AccessReason.NotFound);
      return notFound();
    }
    if (!may(access, permission, item.type)) {
      await this.audit.write(m, access, { permission, dataType: item.type, itemId }, 'denied', AccessReason.NotPermitted);
      return accessDenied(`this application may not ${permission} ${item.type} items in this record`);
    }
    return item;
  }
}

/** The audit event of one access (as AccessAudit writes it), for a statement that writes it itself. */
function auditEvent(access: AccessContext, details: AccessDetails, outcome: AccessOutcome, reason: string): NewEvent<DataAccessedEvent> {
  return {
    subject: AuditEvt.DataAccessed,
    type: AuditEventType.DataAccessed,
    correlationId: access.correlationId,
    data: dataAccessedEvent(access, details, outcome, reason, new Date()),
  };
}

type AuthorColumns<P extends 'created' | 'updated'> = {
  [K in `${P}At`]: Date;
} & { [K in `${P}AppId`]: string } & { [K in `${P}PersonId` | `${P}InstanceId`]: string | null } & { [K in `${P}Mode`]: string };

function authorColumns<P extends 'created' | 'updated'>(prefix: P, access: AccessContext, at: Date): AuthorColumns<P> {
  return {
    [`${prefix}At`]: at,
    [`${prefix}AppId`]: access.appId,
    [`${prefix}PersonId`]: access.personId ?? null,
    [`${prefix}InstanceId`]: access.instanceId ?? null,
    [`${prefix}Mode`]: access.mode,
  } as AuthorColumns<P>;
}
