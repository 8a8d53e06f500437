import { ErrorCode, type ItemView, Permission, RecordStoreCmd } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { SCHEMA } from '../database';
import { APP, type Harness, PERSON, startHarness } from './items.harness';

describe('record-store items (real PostgreSQL, private nats-server)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
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
