import { type AccessContext, AccessMode, ErrorCode, type ItemView, RecordStoreCmd } from '@carevault/contracts';
import { type RpcError, dataSourceOptions } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENTITIES, SCHEMA } from '../database';
import { type Harness, startHarness } from './items.harness';

describe('record-store items: lists, changes, history (real PostgreSQL, private nats-server)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  describe('list-items', () => {
    const recordId = randomUUID();
    const made: ItemView[] = [];
    const access = (over: Partial<AccessContext['permissions']> = {}) => h.access({ recordId, permissions: over });

    beforeAll(async () => {
      const dates = ['2024-01-05', '2024-03-01T08:00:00Z', '2023-12-31', '2024-02-14', '2024-03-01T08:00:00Z', '2022-06'];
      for (const [i, d] of dates.entries()) {
        const resource =
          i % 2 === 0
            ? h.observation(d)
            : { resourceType: 'Condition', code: { text: `condition ${i}` }, onsetDateTime: d, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } };
        made.push(await h.rpc.request(RecordStoreCmd.CreateItem, { access: access(), resource }));
      }
    });

    const newestFirst = (items: ItemView[]) =>
      [...items].sort((a, b) => b.effectiveDate.localeCompare(a.effectiveDate) || b.id.localeCompare(a.id)).map((i) => i.id);

    it('returns every readable item, newest effective date first (ties by id)', async () => {
      const page = await h.rpc.request(RecordStoreCmd.ListItems, { access: access() });
      expect(page.items.map((i) => i.id)).toEqual(newestFirst(made));
      expect(page.nextCursor).toBeNull();
    });

    it('filters by type, effective date range and updatedSince', async () => {
      const conditions = await h.rpc.request(RecordStoreCmd.ListItems, { access: access(), types: ['Condition'] });
      expect(conditions.items.map((i) => i.id)).toEqual(newestFirst(made.filter((i) => i.type === 'Condition')));
      const both = await h.rpc.request(RecordStoreCmd.ListItems, { access: access(), types: ['Condition', 'Observation'] });
      expect(both.items).toHaveLength(made.length);

      const range = await h.rpc.request(RecordStoreCmd.ListItems, { access: access(), effectiveFrom: '2024-01-01T00:00:00Z', effectiveTo: '2024-02-14T00:00:00Z' });
      expect(range.items.map((i) => i.effectiveDate)).toEqual(['2024-02-14T00:00:00.000Z', '2024-01-05T00:00:00.000Z']);

      const last = made[made.length - 1]!;
      const since = await h.rpc.request(RecordStoreCmd.ListItems, { access: access(), updatedSince: last.updated.at });
      expect(since.items.map((i) => i.id)).toContain(last.id);
      expect(since.items.length).toBeLessThan(made.length);
    });

    it('when no types are asked, lists only the types the app may read', async () => {
      const page = await h.rpc.request(RecordStoreCmd.ListItems, { access: access({ read: ['Observation'] }) });
      expect(page.items.map((i) => i.id)).toEqual(newestFirst(made.filter((i) => i.type === 'Observation')));
    });

    it('pages with an opaque keyset cursor, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await h.rpc.request(RecordStoreCmd.ListItems, { access: access(), limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(newestFirst(made));
    });

    it('denies types the app may not read (and audits it); rejects a forged cursor or a bad limit', async () => {
      const denied = access({ read: ['Observation'] });
      const err = await h.expectError(h.rpc.request(RecordStoreCmd.ListItems, { access: denied, types: ['Observation', 'Condition'] }), ErrorCode.ACCESS_DENIED);
      expect(err.message).toMatch(/Condition/);
      expect(await h.auditOf(denied.correlationId)).toEqual([
        expect.objectContaining({ permission: 'read', outcome: 'denied', reason: 'not-permitted', dataTypes: ['Observation', 'Condition'] }),
      ]);
      await h.expectError(h.rpc.request(RecordStoreCmd.ListItems, { access: access({ read: [] }) }), ErrorCode.ACCESS_DENIED);
      await h.expectError(h.rpc.request(RecordStoreCmd.ListItems, { access: access(), cursor: 'bm90LWEtY3Vyc29y' }), ErrorCode.VALIDATION_FAILED);
      await h.expectError(h.rpc.request(RecordStoreCmd.ListItems, { access: access(), limit: 1001 }), ErrorCode.VALIDATION_FAILED);
      await h.expectError(h.rpc.request(RecordStoreCmd.ListItems, { access: access(), types: ['Heartbeat'] }), ErrorCode.VALIDATION_FAILED);
    });

    it('audits an allowed list with its types and item count', async () => {
      const a = access();
      await h.rpc.request(RecordStoreCmd.ListItems, { access: a, types: ['Condition'] });
      expect(await h.auditOf(a.correlationId)).toEqual([
        expect.objectContaining({ permission: 'read', outcome: 'allowed', dataType: 'Condition', dataTypes: ['Condition'], itemCount: 3, itemId: null }),
      ]);
    });
  });

  describe('update-item', () => {
    let item: ItemView;

    beforeEach(async () => {
      item = await h.rpc.request(RecordStoreCmd.CreateItem, { access: h.access(), resource: h.observation('2024-01-01') });
    });

    it('writes a new version when If-Match is the current stamp', async () => {
      const access = h.access({ personId: null, mode: AccessMode.Offline });
      const updated = await h.rpc.request(RecordStoreCmd.UpdateItem, { access, itemId: item.id, ifMatch: item.versionStamp, resource: h.observation('2024-02-02') });
      expect(updated.versionStamp).not.toBe(item.versionStamp);
      expect(updated.effectiveDate).toBe('2024-02-02T00:00:00.000Z');
      expect(updated.created).toEqual(item.created);
      expect(updated.updated).toMatchObject({ personId: null, mode: 'offline' });
      expect(updated.resource.meta).toEqual({ versionId: updated.versionStamp, lastUpdated: updated.updated.at });
      expect(await h.rpc.request(RecordStoreCmd.GetItem, { access: h.access(), itemId: item.id })).toEqual(updated);
      expect(await h.auditOf(access.correlationId)).toEqual([expect.objectContaining({ permission: 'update', outcome: 'allowed', itemId: item.id })]);
    });

    it('needs If-Match (428), a current one (412), the same type and the update permission', async () => {
      const resource = h.observation('2024-02-02');
      await h.expectError(h.rpc.request(RecordStoreCmd.UpdateItem, { access: h.access(), itemId: item.id, resource }), ErrorCode.PRECONDITION_REQUIRED);
      await h.expectError(h.rpc.request(RecordStoreCmd.UpdateItem, { access: h.access(), itemId: item.id, ifMatch: randomUUID(), resource }), ErrorCode.VERSION_STAMP_MISMATCH);
      const typeChange = await h.expectError(
        h.rpc.request(RecordStoreCmd.UpdateItem, { access: h.access(), itemId: item.id, ifMatch: item.versionStamp, resource: { resourceType: 'Condition', code: { text: 'x' } } }),
        ErrorCode.VALIDATION_FAILED,
      );
      expect(typeChange.body.errors).toEqual([{ field: 'resourceType', message: expect.stringMatching(/cannot change/) }]);
      const noRule = h.access({ permissions: { update: ['Condition'] } });
      await h.expectError(h.rpc.request(RecordStoreCmd.UpdateItem, { access: noRule, itemId: item.id, ifMatch: item.versionStamp, resource }), ErrorCode.ACCESS_DENIED);
      expect(await h.auditOf(noRule.correlationId)).toEqual([expect.objectContaining({ permission: 'update', outcome: 'denied', dataType: 'Observation' })]);
      expect((await h.rpc.request(RecordStoreCmd.GetItem, { access: h.access(), itemId: item.id })).versionStamp).toBe(item.versionStamp);
    });

    it('lets exactly one of 50 concurrent updates with the same stamp win', async () => {
      const correlationIds: string[] = [];
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => {
          const access = h.access();
          correlationIds.push(access.correlationId);
          return h.rpc.request(RecordStoreCmd.UpdateItem, { access, itemId: item.id, ifMatch: item.versionStamp, resource: h.observation(`2024-02-${String((i % 28) + 1).padStart(2, '0')}`) });
        }),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(49);
      for (const l of lost) expect((l.reason as RpcError).code).toBe(ErrorCode.VERSION_STAMP_MISMATCH);
      const { rows } = await h.pg.query(`SELECT version FROM "${SCHEMA}"."item_versions" WHERE item_id = $1 ORDER BY version`, [item.id]);
      expect(rows.map((r: { version: number }) => r.version)).toEqual([1, 2]);
      const audits: Array<Record<string, unknown>> = [];
      for (const c of correlationIds) audits.push(...(await h.auditOf(c)));
      expect(audits.filter((a) => a.outcome === 'allowed' && a.permission === 'update')).toHaveLength(1);
    });
  });

  describe('delete-item and item-versions', () => {
    it('soft-deletes with If-Match and the delete permission; the history keeps every version', async () => {
      const access = h.access();
      const v1 = await h.rpc.request(RecordStoreCmd.CreateItem, { access, resource: h.observation('2024-01-01') });
      const v2 = await h.rpc.request(RecordStoreCmd.UpdateItem, { access, itemId: v1.id, ifMatch: v1.versionStamp, resource: h.observation('2024-01-02') });

      await h.expectError(h.rpc.request(RecordStoreCmd.DeleteItem, { access, itemId: v1.id }), ErrorCode.PRECONDITION_REQUIRED);
      await h.expectError(h.rpc.request(RecordStoreCmd.DeleteItem, { access, itemId: v1.id, ifMatch: v1.versionStamp }), ErrorCode.VERSION_STAMP_MISMATCH);
      const noRule = h.access({ permissions: { delete: [] } });
      await h.expectError(h.rpc.request(RecordStoreCmd.DeleteItem, { access: noRule, itemId: v1.id, ifMatch: v2.versionStamp }), ErrorCode.ACCESS_DENIED);
      expect(await h.auditOf(noRule.correlationId)).toEqual([expect.objectContaining({ permission: 'delete', outcome: 'denied' })]);

      const v3 = await h.rpc.request(RecordStoreCmd.DeleteItem, { access, itemId: v1.id, ifMatch: v2.versionStamp });
      expect(v3.state).toBe('deleted');

      await h.expectError(h.rpc.request(RecordStoreCmd.GetItem, { access: h.access(), itemId: v1.id }), ErrorCode.NOT_FOUND);
      await h.expectError(h.rpc.request(RecordStoreCmd.UpdateItem, { access, itemId: v1.id, ifMatch: v3.versionStamp, resource: h.observation('2024-01-03') }), ErrorCode.NOT_FOUND);
      const listed = await h.rpc.request(RecordStoreCmd.ListItems, { access: h.access() });
      expect(listed.items.map((i) => i.id)).not.toContain(v1.id);

      const history = await h.rpc.request(RecordStoreCmd.ItemVersions, { access: h.access(), itemId: v1.id });
      expect(history.items.map((v) => [v.version, v.state, v.versionStamp])).toEqual([
        [3, 'deleted', v3.versionStamp],
        [2, 'active', v2.versionStamp],
        [1, 'active', v1.versionStamp],
      ]);
      expect(history.items[2]!.resource).toEqual(v1.resource);
      expect(history.items[1]!.effectiveDate).toBe('2024-01-02T00:00:00.000Z');

      const paged = await h.rpc.request(RecordStoreCmd.ItemVersions, { access: h.access(), itemId: v1.id, limit: 2 });
      expect(paged.items.map((v) => v.version)).toEqual([3, 2]);
      const rest = await h.rpc.request(RecordStoreCmd.ItemVersions, { access: h.access(), itemId: v1.id, limit: 2, cursor: paged.nextCursor! });
      expect(rest.items.map((v) => v.version)).toEqual([1]);
      expect(rest.nextCursor).toBeNull();

      await h.expectError(h.rpc.request(RecordStoreCmd.ItemVersions, { access: h.access({ permissions: { read: [] } }), itemId: v1.id }), ErrorCode.ACCESS_DENIED);
    });
  });

  it('has tables that match the entities (TypeORM finds nothing to change)', async () => {
    const ds = new DataSource(dataSourceOptions({ url: h.databaseUrl, schema: SCHEMA, entities: ENTITIES, migrations: [] }));
    await ds.initialize();
    try {
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('measures create and read latency over NATS (sequential)', async () => {
    const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
    const time = async (n: number, call: (i: number) => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = process.hrtime.bigint();
        await call(i);
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      return ms;
    };
    const ids: string[] = [];
    await time(50, async () => ids.push((await h.rpc.request(RecordStoreCmd.CreateItem, { access: h.access(), resource: h.observation('2024-01-01') })).id));
    const create = await time(300, () => h.rpc.request(RecordStoreCmd.CreateItem, { access: h.access(), resource: h.observation('2024-01-01') }));
    const read = await time(300, (i) => h.rpc.request(RecordStoreCmd.GetItem, { access: h.access(), itemId: ids[i % ids.length]! }));
    const line = (name: string, xs: number[]) => `${name} p50 ${percentile(xs, 50).toFixed(2)} ms, p99 ${percentile(xs, 99).toFixed(2)} ms`;
    process.stdout.write(`record-store latency: ${line('create', create)}; ${line('get', read)}\n`);
    expect(percentile(read, 50)).toBeLessThan(50);
  });
});
