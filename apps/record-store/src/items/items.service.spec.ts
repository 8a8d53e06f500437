import { type AccessContext, AccessMode, type DataAccessedEvent, ErrorCode } from '@carevault/contracts';
import { DomainError, type NewEvent } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AccessAudit, AccessDetails } from '../access/access-audit';
import type { FhirValidator } from '../fhir/fhir-validator';
import type { ItemEntity } from './item.entity';
import type { ItemsRepository } from './items.repository';
import { ItemsService } from './items.service';

const RECORD = randomUUID();

function accessContext(permissions: Partial<AccessContext['permissions']> = {}): AccessContext {
  const all = ['Observation'];
  return {
    recordId: RECORD,
    appId: randomUUID(),
    personId: null,
    instanceId: null,
    mode: AccessMode.Offline,
    correlationId: randomUUID(),
    permissions: { create: all, read: all, update: all, delete: all, ...permissions },
  };
}

function itemFactory(over: Partial<ItemEntity> = {}): ItemEntity {
  const at = new Date('2024-01-01T00:00:00Z');
  return {
    id: randomUUID(),
    recordId: RECORD,
    type: 'Observation',
    version: 1,
    versionStamp: randomUUID(),
    effectiveDate: at,
    resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
    state: 'active',
    createdAt: at,
    createdAppId: randomUUID(),
    createdPersonId: null,
    createdInstanceId: null,
    createdMode: 'offline',
    updatedAt: at,
    updatedAppId: randomUUID(),
    updatedPersonId: null,
    updatedInstanceId: null,
    updatedMode: 'offline',
    deletedAt: null,
    ...over,
  };
}

function setup(items: ItemEntity[] = [], updateWins = true) {
  const audits: Array<AccessDetails & { outcome: string; reason: string }> = [];
  const updates: ItemEntity[] = [];
  const inserted: ItemEntity[] = [];
  // Events the repository writes in the same statement as its own change (create, the allowed read).
  const written = (e: NewEvent<unknown>, dataType?: string) => {
    const d = e.data as DataAccessedEvent;
    audits.push({ permission: d.permission, dataType: dataType ?? d.dataType, itemId: d.itemId, outcome: d.outcome, reason: d.reason });
  };
  const repository = {
    find: async (_m: unknown, recordId: string, id: string) => items.find((i) => i.id === id && i.recordId === recordId) ?? null,
    // What the repository's one statement does: the item, the reason, the audit row to match.
    readAudited: async (_m: unknown, recordId: string, id: string, readable: string[], template: NewEvent<unknown>) => {
      const item = items.find((i) => i.id === id && i.recordId === recordId) ?? null;
      const reason = !item || item.state !== 'active' ? 'not-found' : readable.includes(item.type) ? 'permitted' : 'not-permitted';
      const d = template.data as DataAccessedEvent;
      audits.push({ permission: d.permission, dataType: item?.type ?? null, itemId: d.itemId, outcome: reason === 'permitted' ? 'allowed' : 'denied', reason });
      return { item, reason, audited: true };
    },
    listAuditing: async (_m: unknown, q: { recordId: string; types: string[]; limit: number }, pageSize: number, allowed: NewEvent<unknown>) => {
      const rows = items.filter((i) => i.recordId === q.recordId && i.state === 'active' && q.types.includes(i.type)).slice(0, q.limit);
      const d = allowed.data as DataAccessedEvent;
      audits.push({ permission: d.permission, dataTypes: d.dataTypes, itemCount: Math.min(rows.length, pageSize), outcome: d.outcome, reason: d.reason });
      return rows;
    },
    update: async (_m: unknown, next: ItemEntity) => (updates.push(next), updateWins),
    insert: async (_m: unknown, item: ItemEntity, events: NewEvent<unknown>[] = []) => {
      inserted.push(item);
      for (const e of events) written(e);
    },
  } as unknown as ItemsRepository;
  const audit = {
    write: async (_m: unknown, _a: unknown, details: AccessDetails, outcome: string, reason: string) => (audits.push({ ...details, outcome, reason }), randomUUID()),
  } as unknown as AccessAudit;
  const fhir = { prepare: (resource: Record<string, unknown>) => ({ type: resource.resourceType as string, resource }) } as unknown as FhirValidator;
  const dataSource = { manager: {}, transaction: (fn: (m: unknown) => unknown) => fn({}) } as unknown as DataSource;
  return { sut: new ItemsService(repository, audit, fhir, dataSource), audits, updates, inserted };
}

async function failure(call: Promise<unknown>): Promise<DomainError> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe(ItemsService.name, () => {
  describe('get', () => {
    it('answers NOT_FOUND for an item of another record and audits it without its type', async () => {
      const other = itemFactory({ recordId: randomUUID() });
      const { sut, audits } = setup([other]);
      expect((await failure(sut.get({ access: accessContext(), itemId: other.id }))).code).toBe(ErrorCode.NOT_FOUND);
      expect(audits).toEqual([{ permission: 'read', dataType: null, itemId: other.id, outcome: 'denied', reason: 'not-found' }]);
    });

    it('answers ACCESS_DENIED when the type is not readable, auditing the denial', async () => {
      const item = itemFactory();
      const { sut, audits } = setup([item]);
      expect((await failure(sut.get({ access: accessContext({ read: ['Condition'] }), itemId: item.id }))).code).toBe(ErrorCode.ACCESS_DENIED);
      expect(audits).toEqual([{ permission: 'read', dataType: 'Observation', itemId: item.id, outcome: 'denied', reason: 'not-permitted' }]);
    });

    it('answers a readable item and audits the read (with its type), in the statement that reads it', async () => {
      const item = itemFactory();
      const { sut, audits } = setup([item]);
      expect((await sut.get({ access: accessContext(), itemId: item.id })).id).toBe(item.id);
      expect(audits).toEqual([{ permission: 'read', dataType: 'Observation', itemId: item.id, outcome: 'allowed', reason: 'permitted' }]);
    });

    it('does not find a deleted item', async () => {
      const item = itemFactory({ state: 'deleted' });
      const { sut } = setup([item]);
      expect((await failure(sut.get({ access: accessContext(), itemId: item.id }))).code).toBe(ErrorCode.NOT_FOUND);
    });
  });

  describe('update', () => {
    const resource = { resourceType: 'Observation', status: 'amended', code: { text: 'x' } };

    it('requires If-Match before anything else', async () => {
      const item = itemFactory();
      const { sut, audits, updates } = setup([item]);
      expect((await failure(sut.update({ access: accessContext(), itemId: item.id, resource }))).code).toBe(ErrorCode.PRECONDITION_REQUIRED);
      expect(audits).toEqual([]);
      expect(updates).toEqual([]);
    });

    it('refuses a stale stamp without writing', async () => {
      const item = itemFactory();
      const { sut, updates } = setup([item]);
      expect((await failure(sut.update({ access: accessContext(), itemId: item.id, resource, ifMatch: 'old' }))).code).toBe(ErrorCode.VERSION_STAMP_MISMATCH);
      expect(updates).toEqual([]);
    });

    it('reports a lost race as a stale stamp, with no allowed audit', async () => {
      const item = itemFactory();
      const { sut, audits } = setup([item], false);
      expect((await failure(sut.update({ access: accessContext(), itemId: item.id, resource, ifMatch: item.versionStamp }))).code).toBe(
        ErrorCode.VERSION_STAMP_MISMATCH,
      );
      expect(audits).toEqual([]);
    });

    it('writes the next version with a new stamp', async () => {
      const item = itemFactory();
      const { sut, updates } = setup([item]);
      const view = await sut.update({ access: accessContext(), itemId: item.id, resource, ifMatch: item.versionStamp });
      expect(updates).toEqual([expect.objectContaining({ version: 2, state: 'active', resource })]);
      expect(view.versionStamp).not.toBe(item.versionStamp);
    });
  });

  describe('remove', () => {
    it('needs the delete permission on the type', async () => {
      const item = itemFactory();
      const { sut, audits } = setup([item]);
      expect((await failure(sut.remove({ access: accessContext({ delete: [] }), itemId: item.id, ifMatch: item.versionStamp }))).code).toBe(ErrorCode.ACCESS_DENIED);
      expect(audits).toEqual([expect.objectContaining({ permission: 'delete', outcome: 'denied' })]);
    });

    it('writes a deleted version', async () => {
      const item = itemFactory();
      const { sut, updates } = setup([item]);
      expect((await sut.remove({ access: accessContext(), itemId: item.id, ifMatch: item.versionStamp })).state).toBe('deleted');
      expect(updates[0]).toMatchObject({ state: 'deleted', deletedAt: expect.any(Date), resource: item.resource });
    });
  });

  describe('list', () => {
    it('answers a page and audits it with its size, in the statement that reads it', async () => {
      const items = [itemFactory(), itemFactory(), itemFactory()];
      const { sut, audits } = setup(items);
      const page = await sut.list({ access: accessContext(), types: ['Observation'], limit: 2 });
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).not.toBeNull();
      expect(audits).toEqual([{ permission: 'read', dataTypes: ['Observation'], itemCount: 2, outcome: 'allowed', reason: 'permitted' }]);
    });

    it('denies unreadable types and audits the denial before touching the items', async () => {
      const { sut, audits } = setup();
      const err = await failure(sut.list({ access: accessContext({ read: ['Observation'] }), types: ['Observation', 'Condition'] }));
      expect(err.code).toBe(ErrorCode.ACCESS_DENIED);
      expect(err.message).toMatch(/Condition/);
      expect(audits).toEqual([expect.objectContaining({ permission: 'read', dataTypes: ['Observation', 'Condition'], outcome: 'denied' })]);
    });
  });

  describe('create', () => {
    it('writes the item with its allowed audit event (one statement)', async () => {
      const { sut, audits, inserted } = setup();
      const view = await sut.create({ access: accessContext(), resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } });
      expect(inserted).toEqual([expect.objectContaining({ id: view.id, type: 'Observation', version: 1 })]);
      expect(audits).toEqual([{ permission: 'create', dataType: 'Observation', itemId: view.id, outcome: 'allowed', reason: 'permitted' }]);
    });

    it('denies a type the app may not create, auditing it', async () => {
      const { sut, audits } = setup();
      const err = await failure(sut.create({ access: accessContext({ create: [] }), resource: { resourceType: 'Observation' } }));
      expect(err.code).toBe(ErrorCode.ACCESS_DENIED);
      expect(audits).toEqual([{ permission: 'create', dataType: 'Observation', outcome: 'denied', reason: 'not-permitted' }]);
    });
  });
});
