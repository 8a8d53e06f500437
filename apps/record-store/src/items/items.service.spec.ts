import { type AccessContext, AccessMode, ErrorCode } from '@carevault/contracts';
import { DomainError } from '@carevault/platform';
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
  const repository = {
    find: async (_m: unknown, recordId: string, id: string) => items.find((i) => i.id === id && i.recordId === recordId) ?? null,
    update: async (_m: unknown, next: ItemEntity) => (updates.push(next), updateWins),
    insert: async () => undefined,
  } as unknown as ItemsRepository;
  const audit = {
    write: async (_m: unknown, _a: unknown, details: AccessDetails, outcome: string, reason: string) => (audits.push({ ...details, outcome, reason }), randomUUID()),
  } as unknown as AccessAudit;
  const fhir = { prepare: (resource: Record<string, unknown>) => ({ type: resource.resourceType as string, resource }) } as unknown as FhirValidator;
  const dataSource = { manager: {}, transaction: (fn: (m: unknown) => unknown) => fn({}) } as unknown as DataSource;
  return { sut: new ItemsService(repository, audit, fhir, dataSource), audits, updates };
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

    it('answers a readable item and audits the read', async () => {
      const item = itemFactory();
      const { sut, audits } = setup([item]);
      expect((await sut.get({ access: accessContext(), itemId: item.id })).id).toBe(item.id);
      expect(audits).toEqual([expect.objectContaining({ outcome: 'allowed', reason: 'permitted' })]);
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
    it('denies unreadable types and audits the denial before touching the items', async () => {
      const { sut, audits } = setup();
      const err = await failure(sut.list({ access: accessContext({ read: ['Observation'] }), types: ['Observation', 'Condition'] }));
      expect(err.code).toBe(ErrorCode.ACCESS_DENIED);
      expect(err.message).toMatch(/Condition/);
      expect(audits).toEqual([expect.objectContaining({ permission: 'read', dataTypes: ['Observation', 'Condition'], outcome: 'denied' })]);
    });
  });

  describe('create', () => {
    it('denies a type the app may not create, auditing it', async () => {
      const { sut, audits } = setup();
      const err = await failure(sut.create({ access: accessContext({ create: [] }), resource: { resourceType: 'Observation' } }));
      expect(err.code).toBe(ErrorCode.ACCESS_DENIED);
      expect(audits).toEqual([{ permission: 'create', dataType: 'Observation', outcome: 'denied', reason: 'not-permitted' }]);
    });
  });
});
