import { ErrorCode, type ItemView, Permission, RecordStoreCmd } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { until } from '@carevault/testing';
import { SCHEMA } from '../database';
import { ItemsRepository } from './items.repository';
import { APP, type Harness, PERSON, startHarness } from './items.harness';

describe('record-store items (real PostgreSQL, private nats-server)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  describe('query plans', () => {
    // First in this file: the items table is still nearly empty, which is when a cached plan would be a sequential scan.
    it('reads stay index lookups after the table grows from a few rows to 50k without being analyzed', async () => {
      const item = await h.rpc.request(RecordStoreCmd.CreateItem, { access: h.access(), resource: h.observation('2020-01-01') });
      for (let i = 0; i < 10; i++) await h.rpc.request(RecordStoreCmd.GetItem, { access: h.access(), itemId: item.id });
      await h.pg.query(
        `INSERT INTO "${SCHEMA}"."items" SELECT gen_random_uuid(), $1, 'Observation', 1, 's', now(), '{}'::jsonb, 'active', now(), $2, NULL, NULL,
           'offline', now(), $2, NULL, NULL, 'offline', NULL FROM generate_series(1, 50000)`,
        [randomUUID(), APP],
      );
      const scans = async () =>
        (await h.pg.query(`SELECT seq_scan::int AS seq, idx_scan::int AS idx FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'items'`, [SCHEMA])).rows[0] as { seq: number; idx: number };
      // A backend adds its table counters to pg_stat_user_tables at the end of a transaction, at most once a
      // second: a few reads after a pause publish what the reads before did, so that only later reads are measured.
      const publish = async () => {
        await new Promise((r) => setTimeout(r, 1100));
        for (let i = 0; i < 3; i++) await h.rpc.request(RecordStoreCmd.GetItem, { access: h.access(), itemId: item.id });
      };
      await publish();
      await publish();
      const before = await scans();
      for (let i = 0; i < 20; i++) await h.rpc.request(RecordStoreCmd.GetItem, { access: h.access(), itemId: item.id });
      await publish();
      await until(async () => (await scans()).idx >= before.idx + 20, 10_000, 'the reads counted in pg_stat_user_tables');
      expect((await scans()).seq - before.seq).toBe(0);
    });
  });

  describe('create and get', () => {
    it('stores a FHIR resource as an item with the platform id, meta and subject, and reads it back', async () => {
      const access = h.access();
      const created = await h.rpc.request(RecordStoreCmd.CreateItem, {
        access,
        resource: h.observation('2024-03-05T10:20:30Z', { id: 'theirs', meta: { versionId: 'x', tag: [{ code: 'pharmacy' }] }, note: [{ text: 'after a run' }] }),
      });
      expect(created).toMatchObject({
        type: 'Observation',
        effectiveDate: '2024-03-05T10:20:30.000Z',
        state: 'active',
        created: { appId: APP, personId: PERSON, mode: 'online', instanceId: null },
      });
      expect(created.versionStamp).toEqual(expect.any(String));
      expect(created.updated).toEqual(created.created);
      expect(created.resource).toEqual({
        ...h.observation('2024-03-05T10:20:30Z'),
        id: created.id,
        meta: { tag: [{ code: 'pharmacy' }], versionId: created.versionStamp, lastUpdated: created.created.at },
        subject: { reference: `Patient/${access.recordId}` },
        note: [{ text: 'after a run' }],
      });

      const read = await h.rpc.request(RecordStoreCmd.GetItem, { access: h.access(), itemId: created.id });
      expect(read).toEqual(created);
    });

    it('answers VALIDATION_FAILED naming each FHIR problem, and stores nothing', async () => {
      const access = h.access({ recordId: randomUUID() });
      const err = await h.expectError(
        h.rpc.request(RecordStoreCmd.CreateItem, { access, resource: { resourceType: 'MedicationStatement', effectiveDateTime: 'soon', dose: 1 } }),
        ErrorCode.VALIDATION_FAILED,
      );
      expect(err.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'MedicationStatement.status', message: 'Missing required property' },
          { field: 'MedicationStatement.effective[x]', message: 'Invalid dateTime format' },
          { field: 'MedicationStatement.dose', message: 'Invalid additional property "dose"' },
        ]),
      );
      const wrongType = await h.expectError(h.rpc.request(RecordStoreCmd.CreateItem, { access, resource: { resourceType: 'Heartbeat' } }), ErrorCode.VALIDATION_FAILED);
      expect(wrongType.body.errors).toEqual([{ field: 'resourceType', message: '"Heartbeat" is not a FHIR R4 resource type' }]);
      const { rows } = await h.pg.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."items" WHERE record_id = $1`, [access.recordId]);
      expect(rows[0].n).toBe(0);
      expect(await h.auditOf(access.correlationId)).toEqual([]);
    });

    it('validates the request itself at the receiver', async () => {
      const err = await h.expectError(h.rpc.requestUntyped(RecordStoreCmd.GetItem, { itemId: 'nope' }), ErrorCode.VALIDATION_FAILED);
      expect(err.body.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['access', 'itemId']));
    });
  });

  describe('batched reads', () => {
    it('answers and audits 300 concurrent reads each as if alone (allowed, not permitted, not found, other record), in shared statements', async () => {
      const repo = h.app.get(ItemsRepository);
      const manager = h.app.get(DataSource).manager;
      const mine = await h.rpc.request(RecordStoreCmd.CreateItem, { access: h.access(), resource: h.observation('2022-02-02') });
      const otherRecord = randomUUID();
      const theirs = await h.rpc.request(RecordStoreCmd.CreateItem, { access: h.access({ recordId: otherRecord }), resource: h.observation('2022-02-03') });
      const before = repo.batchStats(manager).reads;

      const kinds = ['allowed', 'not-permitted', 'not-found', 'other-record'] as const;
      const calls = Array.from({ length: 300 }, (_, i) => {
        const kind = kinds[i % kinds.length]!;
        const access = h.access({ permissions: { read: kind === 'not-permitted' ? ['Condition'] : ['Observation'] } });
        const itemId = kind === 'not-found' ? randomUUID() : kind === 'other-record' ? theirs.id : mine.id;
        return { kind, access, call: h.rpc.request(RecordStoreCmd.GetItem, { access, itemId }).then((v) => v, (e: unknown) => e) };
      });
      const answers = await Promise.all(calls.map((c) => c.call));

      const after = repo.batchStats(manager).reads;
      expect(after.requests - before.requests).toBe(300);
      expect(after.batches - before.batches).toBeLessThan(300); // some reads shared a statement
      for (const [i, c] of calls.entries()) {
        const answer = answers[i] as ItemView | { code?: string };
        const audit = await h.auditOf(c.access.correlationId);
        expect(audit).toHaveLength(1);
        if (c.kind === 'allowed') {
          expect(answer).toEqual(mine);
          expect(audit[0]).toMatchObject({ outcome: 'allowed', reason: 'permitted', itemId: mine.id, dataType: 'Observation' });
        } else if (c.kind === 'not-permitted') {
          expect(answer).toMatchObject({ code: ErrorCode.ACCESS_DENIED });
          expect(audit[0]).toMatchObject({ outcome: 'denied', reason: 'not-permitted', itemId: mine.id, dataType: 'Observation' });
        } else {
          expect(answer).toMatchObject({ code: ErrorCode.NOT_FOUND });
          expect(audit[0]).toMatchObject({ outcome: 'denied', reason: 'not-found', dataType: null });
        }
      }
    });
  });

  describe('batched creates', () => {
    it('stores 200 concurrent creates each with its own first version and audit row, in shared statements', async () => {
      const repo = h.app.get(ItemsRepository);
      const manager = h.app.get(DataSource).manager;
      const before = repo.batchStats(manager).inserts;
      const recordId = randomUUID();
      const calls = Array.from({ length: 200 }, (_, i) => {
        const access = h.access({ recordId });
        return { access, call: h.rpc.request(RecordStoreCmd.CreateItem, { access, resource: h.observation(`2021-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`, { note: [{ text: `n${i}` }] }) }) };
      });
      const created = await Promise.all(calls.map((c) => c.call));
      const after = repo.batchStats(manager).inserts;
      expect(after.requests - before.requests).toBe(200);
      expect(after.batches - before.batches).toBeLessThan(200);

      const { rows } = await h.pg.query(
        `SELECT i.id, i.resource->'note'->0->>'text' AS note, v.version, v.version_stamp AS stamp
         FROM "${SCHEMA}"."items" i JOIN "${SCHEMA}"."item_versions" v ON v.item_id = i.id WHERE i.record_id = $1`,
        [recordId],
      );
      expect(rows).toHaveLength(200);
      const byId = new Map(rows.map((r: { id: string }) => [r.id, r]));
      for (const [i, c] of calls.entries()) {
        const item = created[i]!;
        expect(byId.get(item.id)).toEqual({ id: item.id, note: `n${i}`, version: 1, stamp: item.versionStamp });
        expect(await h.auditOf(c.access.correlationId)).toEqual([expect.objectContaining({ outcome: 'allowed', permission: 'create', itemId: item.id, dataType: 'Observation' })]);
      }
    });
  });

  describe('access checks and audit', () => {
    let item: ItemView;

    beforeAll(async () => {
      item = await h.rpc.request(RecordStoreCmd.CreateItem, { access: h.access(), resource: h.observation('2023-01-01') });
    });

    it('writes an allowed audit row with the access in the same transaction, without the resource', async () => {
      const access = h.access();
      await h.rpc.request(RecordStoreCmd.GetItem, { access, itemId: item.id });
      const audit = await h.auditOf(access.correlationId);
      expect(audit).toEqual([
        {
          recordId: access.recordId,
          appId: APP,
          personId: PERSON,
          instanceId: null,
          mode: 'online',
          dataType: 'Observation',
          itemId: item.id,
          permission: 'read',
          outcome: 'allowed',
          reason: 'permitted',
          at: expect.any(String),
          correlationId: access.correlationId,
          clientAddress: '203.0.113.7',
        },
      ]);
      expect(JSON.stringify(audit)).not.toContain('8867-4');
    });

    it('denies an item whose type the app may not read, and audits the denial', async () => {
      const access = h.access({ permissions: { read: ['Condition'] } });
      await h.expectError(h.rpc.request(RecordStoreCmd.GetItem, { access, itemId: item.id }), ErrorCode.ACCESS_DENIED);
      expect(await h.auditOf(access.correlationId)).toEqual([
        expect.objectContaining({ dataType: 'Observation', itemId: item.id, permission: 'read', outcome: 'denied', reason: 'not-permitted' }),
      ]);
    });

    it('denies a create the app has no rule for, and audits it', async () => {
      const access = h.access({ permissions: { create: [] } });
      await h.expectError(h.rpc.request(RecordStoreCmd.CreateItem, { access, resource: h.observation('2023-01-01') }), ErrorCode.ACCESS_DENIED);
      expect(await h.auditOf(access.correlationId)).toEqual([expect.objectContaining({ dataType: 'Observation', permission: 'create', outcome: 'denied' })]);
    });

    it('does not find an item of another record, and audits the attempt on the asked record without the type', async () => {
      const access = h.access({ recordId: randomUUID() });
      await h.expectError(h.rpc.request(RecordStoreCmd.GetItem, { access, itemId: item.id }), ErrorCode.NOT_FOUND);
      await h.expectError(h.rpc.request(RecordStoreCmd.ItemVersions, { access, itemId: item.id }), ErrorCode.NOT_FOUND);
      await h.expectError(h.rpc.request(RecordStoreCmd.UpdateItem, { access, itemId: item.id, ifMatch: item.versionStamp, resource: h.observation('2023-01-01') }), ErrorCode.NOT_FOUND);
      const audit = await h.auditOf(access.correlationId);
      expect(audit).toHaveLength(3);
      for (const a of audit) expect(a).toMatchObject({ recordId: access.recordId, dataType: null, itemId: item.id, outcome: 'denied', reason: 'not-found' });
    });

    it('record-denied only writes a denial row (the gateway found no grant)', async () => {
      const { permissions: _p, ...access } = h.access();
      const answer = await h.rpc.request(RecordStoreCmd.RecordDenied, { access, permission: Permission.Read, dataType: 'Observation', reason: 'no-grant' });
      const { rows } = await h.pg.query(`SELECT envelope FROM "${SCHEMA}"."outbox" WHERE event_id = $1`, [answer.eventId]);
      expect(rows[0].envelope).toMatchObject({ type: 'audit.data-accessed', correlationId: access.correlationId });
      expect(rows[0].envelope.data).toMatchObject({ recordId: access.recordId, dataType: 'Observation', itemId: null, permission: 'read', outcome: 'denied', reason: 'no-grant' });
    });

    it('relays the audit rows to JetStream (the outbox marks them sent)', async () => {
      const deadline = Date.now() + 20_000;
      let unsent = -1;
      while (Date.now() < deadline) {
        unsent = (await h.pg.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."outbox" WHERE sent_at IS NULL`)).rows[0].n;
        if (unsent === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(unsent).toBe(0);
    });
  });
});
