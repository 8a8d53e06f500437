import { ConnectRequestCmd, ErrorCode } from '@carevault/contracts';
import { createHash, randomUUID } from 'node:crypto';
import { type ConnectHarness, rpcError, startConnectRequest } from '../../test/harness';
import { ANSWER, createRequest, pickUp, someAddress, typed } from '../../test/flows';
import { Housekeeping } from '../housekeeping/housekeeping';

describe('connect-request: the application side (real PostgreSQL, private NATS)', () => {
  let h: ConnectHarness;
  const appId = randomUUID();
  const fields = (e: { body: { errors?: { field: string }[] } }) => (e.body.errors ?? []).map((x) => x.field).sort();
  const enter = (code: string) => h.rpc.request(ConnectRequestCmd.EnterCode, { personId: randomUUID(), clientAddress: someAddress(), code });

  beforeAll(async () => {
    h = await startConnectRequest({ PUBLIC_URL: 'https://carevault.example' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('create', () => {
    it('answers the code once, with its URL and an expiry 28 days out', async () => {
      const res = await createRequest(h, appId, 'patient-1');
      expect(res).toEqual({
        externalId: 'patient-1',
        pickupCode: expect.stringMatching(/^([2-9A-HJKMNP-Z]{4}-){4}[2-9A-HJKMNP-Z]{4}$/),
        pickupUrl: `https://carevault.example/connect?code=${res.pickupCode}`,
        expiresAt: expect.any(String),
      });
      const days = (Date.parse(res.expiresAt) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(27.99);
      expect(days).toBeLessThanOrEqual(28);
    });

    it('stores the answer only as Argon2id and the code only as its SHA-256', async () => {
      const res = await createRequest(h, appId);
      const [row] = await h.sql<{ answer_hash: string; code_hash: Buffer; text: string }>(
        `SELECT answer_hash, code_hash, r::text AS text FROM connect_request.requests r WHERE app_id = $1 AND external_id = $2`,
        [appId, res.externalId],
      );
      expect(row!.answer_hash).toMatch(/^\$argon2id\$/);
      expect(row!.code_hash).toEqual(createHash('sha256').update(res.pickupCode.replace(/-/g, '')).digest());
      const text = row!.text.toLowerCase();
      for (const secret of [res.pickupCode, res.pickupCode.replace(/-/g, ''), ANSWER]) expect(text).not.toContain(secret.toLowerCase());
    });

    it('answers VALIDATION_FAILED naming every field that is too long or blank', async () => {
      const err = await rpcError(
        h.rpc.request(ConnectRequestCmd.Create, { appId, externalId: 'x'.repeat(256), friendlyName: ' ', question: 'q'.repeat(501), answer: '' }),
      );
      expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(fields(err)).toEqual(['answer', 'externalId', 'friendlyName', 'question']);
    });

    it('takes 255, 200 and 500 characters', async () => {
      const res = await h.rpc.request(ConnectRequestCmd.Create, { appId, externalId: 'e'.repeat(255), friendlyName: 'f'.repeat(200), question: 'q'.repeat(500), answer: 'a' });
      expect(res.externalId).toHaveLength(255);
    });

    it('keeps one pending request per external id per application (DUPLICATE_CONNECT_REQUEST)', async () => {
      await createRequest(h, appId, 'patient-dup');
      expect((await rpcError(createRequest(h, appId, 'patient-dup'))).code).toBe(ErrorCode.DUPLICATE_CONNECT_REQUEST);
      await expect(createRequest(h, randomUUID(), 'patient-dup')).resolves.toMatchObject({ externalId: 'patient-dup' });
    });

    it('lets an expired pending request free its external id', async () => {
      await createRequest(h, appId, 'patient-exp');
      await h.sql(`UPDATE connect_request.requests SET expires_at = now() - interval '1 second' WHERE app_id = $1 AND external_id = 'patient-exp'`, [appId]);
      await expect(createRequest(h, appId, 'patient-exp')).resolves.toMatchObject({ externalId: 'patient-exp' });
      const states = await h.sql<{ state: string }>(`SELECT state FROM connect_request.requests WHERE app_id = $1 AND external_id = 'patient-exp' ORDER BY created_at`, [appId]);
      expect(states.map((s) => s.state)).toEqual(['expired', 'pending']);
    });
  });

  describe('delete', () => {
    it('withdraws a pending request: its code no longer works, and what it held about the person is gone', async () => {
      const res = await createRequest(h, appId, 'patient-del');
      expect(await h.rpc.request(ConnectRequestCmd.Delete, { appId, externalId: 'patient-del' })).toEqual({ externalId: 'patient-del', deleted: 1 });
      expect((await rpcError(enter(typed(res.pickupCode)))).code).toBe(ErrorCode.NOT_FOUND);
      const [row] = await h.sql<{ state: string; friendly_name: string; answer_hash: string }>(
        `SELECT state, friendly_name, answer_hash FROM connect_request.requests WHERE app_id = $1 AND external_id = 'patient-del'`,
        [appId],
      );
      expect(row).toEqual({ state: 'deleted', friendly_name: '', answer_hash: '' });
      expect((await rpcError(h.rpc.request(ConnectRequestCmd.Delete, { appId, externalId: 'patient-del' }))).code).toBe(ErrorCode.NOT_FOUND);
    });

    it('answers NOT_FOUND for an unknown external id or another application', async () => {
      await createRequest(h, appId, 'patient-mine');
      expect((await rpcError(h.rpc.request(ConnectRequestCmd.Delete, { appId, externalId: 'nobody' }))).code).toBe(ErrorCode.NOT_FOUND);
      expect((await rpcError(h.rpc.request(ConnectRequestCmd.Delete, { appId: randomUUID(), externalId: 'patient-mine' }))).code).toBe(ErrorCode.NOT_FOUND);
    });

    it('refuses a picked-up request with CONNECT_REQUEST_ALREADY_AUTHORIZED', async () => {
      const res = await createRequest(h, appId, 'patient-auth');
      await pickUp(h, appId, res.pickupCode);
      expect((await rpcError(h.rpc.request(ConnectRequestCmd.Delete, { appId, externalId: 'patient-auth' }))).code).toBe(ErrorCode.CONNECT_REQUEST_ALREADY_AUTHORIZED);
    });
  });

  describe('change-external-id (PATCH)', () => {
    it('renames a pending request; its code still works and the pickup carries the new id', async () => {
      const other = randomUUID();
      const res = await createRequest(h, other, 'patient-old');
      expect(await h.rpc.request(ConnectRequestCmd.ChangeExternalId, { appId: other, externalId: 'patient-old', newExternalId: 'patient-new' })).toEqual({
        externalId: 'patient-new',
        previousExternalId: 'patient-old',
        updated: 1,
      });
      expect((await rpcError(h.rpc.request(ConnectRequestCmd.Delete, { appId: other, externalId: 'patient-old' }))).code).toBe(ErrorCode.NOT_FOUND);
      expect((await pickUp(h, other, res.pickupCode)).externalId).toBe('patient-new');
    });

    it('renames a picked-up request, and polling shows the new id', async () => {
      const other = randomUUID();
      const res = await createRequest(h, other, 'patient-a');
      await pickUp(h, other, res.pickupCode);
      await h.rpc.request(ConnectRequestCmd.ChangeExternalId, { appId: other, externalId: 'patient-a', newExternalId: 'patient-b' });
      const list = await h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId: other });
      expect(list.items.map((i) => i.externalId)).toEqual(['patient-b']);
    });

    it('answers NOT_FOUND for an unknown id and DUPLICATE_CONNECT_REQUEST onto another pending one', async () => {
      expect((await rpcError(h.rpc.request(ConnectRequestCmd.ChangeExternalId, { appId, externalId: 'nobody', newExternalId: 'x' }))).code).toBe(ErrorCode.NOT_FOUND);
      await createRequest(h, appId, 'patient-p1');
      await createRequest(h, appId, 'patient-p2');
      const err = await rpcError(h.rpc.request(ConnectRequestCmd.ChangeExternalId, { appId, externalId: 'patient-p1', newExternalId: 'patient-p2' }));
      expect(err.code).toBe(ErrorCode.DUPLICATE_CONNECT_REQUEST);
    });
  });

  describe('list-authorized', () => {
    const app = randomUUID();
    let picked: { externalId: string; recordId: string }[];

    beforeAll(async () => {
      picked = [];
      for (const id of ['p-1', 'p-2', 'p-3']) {
        const res = await createRequest(h, app, id);
        const p = await pickUp(h, app, res.pickupCode);
        picked.push({ externalId: id, recordId: p.recordId });
      }
    });

    it('pages through the pickups oldest first with an opaque cursor', async () => {
      const first = await h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId: app, limit: 2 });
      expect(first.items.map((i) => i.externalId)).toEqual(['p-1', 'p-2']);
      expect(first.hasMore).toBe(true);
      const second = await h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId: app, since: first.nextCursor!, limit: 2 });
      expect(second.items.map((i) => [i.externalId, i.recordId])).toEqual([['p-3', picked[2]!.recordId]]);
      expect(second.hasMore).toBe(false);
      const third = await h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId: app, since: second.nextCursor! });
      expect(third).toEqual({ items: [], nextCursor: second.nextCursor, hasMore: false });
    });

    it('shows an application nothing of another application', async () => {
      expect(await h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId: randomUUID() })).toEqual({ items: [], nextCursor: null, hasMore: false });
    });

    it('answers VALIDATION_FAILED for a cursor that is not ours', async () => {
      expect(fields(await rpcError(h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId: app, since: 'bogus!' })))).toEqual(['since']);
    });

    it('lists pickups for 90 days; housekeeping then purges them', async () => {
      await h.sql(`UPDATE connect_request.pickups SET authorized_at = now() - interval '91 days' WHERE app_id = $1 AND record_id = $2`, [app, picked[0]!.recordId]);
      const list = await h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId: app });
      expect(list.items.map((i) => i.externalId)).toEqual(['p-2', 'p-3']);
      const purged = await h.app.get(Housekeeping).purge();
      expect(purged.pickups).toBe(1);
      expect(await h.sql(`SELECT 1 FROM connect_request.pickups WHERE record_id = $1`, [picked[0]!.recordId])).toHaveLength(0);
    });
  });
});
