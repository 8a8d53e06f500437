import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { PharmacyConfig } from './config';
import type { Log } from './log';
import { type RunningPharmacy, WEBHOOK_PATH, startPharmacy } from './server';

const SECRET = `whsec_${Buffer.from('a-secret-of-the-pharmacy-32-bytes').toString('base64')}`;
const RECORD = '11111111-1111-4111-8111-111111111111';
const GRANT = '22222222-2222-4222-8222-222222222222';
const offlineCreate = { name: 'Dispensed medicines', dataTypes: ['MedicationStatement'], permissions: ['create'], mode: 'offline' };

/** Carevault as the pharmacy sees it: a token endpoint and the items endpoint, answering what the test says. */
function fakeCarevault() {
  const calls: Array<{ url: string; body: string }> = [];
  let itemStatus = 201;
  const http = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), body: String(init?.body ?? '') });
    if (String(url).endsWith('/oauth/token')) return new Response(JSON.stringify({ access_token: 'app-token', token_type: 'Bearer', expires_in: 900 }), { status: 200 });
    if (itemStatus === 201) return new Response(JSON.stringify({ id: 'item-1', created: { mode: 'offline' } }), { status: 201 });
    return new Response(JSON.stringify({ code: itemStatus === 404 ? 'NOT_FOUND' : 'UNAVAILABLE' }), { status: itemStatus });
  }) as typeof fetch;
  return { http, calls, items: () => calls.filter((c) => c.url.includes('/items')), answer: (s: number) => (itemStatus = s) };
}

describe('pharmacy example', () => {
  let dir: string;
  let sut: RunningPharmacy;
  let carevault: ReturnType<typeof fakeCarevault>;
  const lines: Array<Record<string, unknown>> = [];
  const log: Log = {
    info: (msg, f) => void lines.push({ level: 'info', msg, ...f }),
    warn: (msg, f) => void lines.push({ level: 'warn', msg, ...f }),
    error: (msg, f) => void lines.push({ level: 'error', msg, ...f }),
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pharmacy-'));
    carevault = fakeCarevault();
    lines.length = 0;
    const config: PharmacyConfig = {
      carevaultUrl: 'http://carevault.test',
      clientId: 'client-1',
      clientSecret: 'client-secret',
      webhookSecret: SECRET,
      port: 0,
      host: '127.0.0.1',
      stateFile: join(dir, 'state.json'),
      medication: 'Amoxicillin 500 mg',
      publicUrl: 'http://pharmacy.test',
    };
    sut = await startPharmacy(config, log, carevault.http);
  });

  afterEach(async () => {
    await sut.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const deliver = (id: string, type: string, data: unknown, secret = SECRET) => {
    const body = JSON.stringify({ id, type, occurredAt: new Date().toISOString(), data });
    const now = new Date();
    const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, now, body) };
    return fetch(`${sut.url}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
  };
  const grantData = (rules: unknown[] = [offlineCreate]) => ({ grantId: GRANT, appId: 'app-1', recordId: RECORD, personId: 'p-1', rules, mode: 'offline', version: 1, at: new Date().toISOString() });

  it('on grant.created with an offline create rule for MedicationStatement, gets an application token and pushes one; a repeat is acknowledged only', async () => {
    expect((await deliver('evt-1', 'grant.created', grantData())).status).toBe(204);
    expect(carevault.calls[0]).toMatchObject({ url: 'http://carevault.test/oauth/token', body: 'grant_type=client_credentials' });
    expect(carevault.items().map((c) => c.url)).toEqual([`http://carevault.test/api/v1/records/${RECORD}/items`]);
    expect(JSON.parse(carevault.items()[0]!.body)).toMatchObject({ resourceType: 'MedicationStatement', status: 'active', medicationCodeableConcept: { text: 'Amoxicillin 500 mg' } });
    expect(sut.state.record(RECORD)).toMatchObject({ grantId: GRANT });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['pushed a MedicationStatement', 'record linked']));

    const again = await deliver('evt-1', 'grant.created', grantData());
    expect(again.status).toBe(200);
    expect(carevault.items()).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))).toMatchObject({ seenWebhookIds: ['evt-1'], records: { [RECORD]: { grantId: GRANT } } });
  });

  it('does nothing for a grant without that rule, and forgets the record on grant.revoked', async () => {
    await deliver('evt-1', 'grant.created', grantData([{ ...offlineCreate, mode: 'online' }]));
    expect(carevault.items()).toHaveLength(0);
    await deliver('evt-2', 'grant.created', grantData());
    expect(sut.state.record(RECORD)).toBeDefined();
    expect((await deliver('evt-3', 'grant.revoked', grantData())).status).toBe(204);
    expect(sut.state.record(RECORD)).toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ msg: 'grant revoked: record forgotten', recordId: RECORD });
  });

  it('refuses a webhook signed with another secret or not signed (401), handling nothing', async () => {
    const forged = await deliver('evt-1', 'grant.created', grantData(), `whsec_${Buffer.from('someone else').toString('base64')}`);
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${sut.url}${WEBHOOK_PATH}`, { method: 'POST', body: JSON.stringify({ type: 'grant.created', data: grantData() }) });
    expect(unsigned.status).toBe(401);
    expect(carevault.calls).toHaveLength(0);
  });

  it('asks Carevault to deliver again (503) when it cannot push, and pushes on the redelivery', async () => {
    carevault.answer(503);
    expect((await deliver('evt-1', 'grant.created', grantData())).status).toBe(503);
    expect(sut.state.record(RECORD)).toBeUndefined();
    carevault.answer(201);
    expect((await deliver('evt-1', 'grant.created', grantData())).status).toBe(204);
    expect(carevault.items()).toHaveLength(2);
    expect(sut.state.record(RECORD)).toBeDefined();
  });

  it('dispenses on request; a 404 from Carevault (no grant any more) forgets the record', async () => {
    await deliver('evt-1', 'grant.created', grantData());
    carevault.answer(404);
    const res = await fetch(`${sut.url}/dispense`, { method: 'POST', body: JSON.stringify({ recordId: RECORD, medication: 'Ibuprofen 400 mg' }) });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ carevaultStatus: 404 });
    expect(JSON.parse(carevault.items().at(-1)!.body).medicationCodeableConcept.text).toBe('Ibuprofen 400 mg');
    expect(sut.state.record(RECORD)).toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ level: 'warn', msg: 'offline call denied: no grant on this record (404)', recordId: RECORD });
  });
});
