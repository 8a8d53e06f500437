import { AccessMode, ConsentCmd, IdentityCmd, PartnerPushCmd, Permission, type RegisterApplicationResponse } from '@carevault/contracts';
import { RpcClient, connectNats } from '@carevault/platform';
import { type RunningPlatform, startPlatform, type Page, WebClient, signUp } from '@carevault/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

// Device instances end to end (issue 6): the RFC 8628 flow on /device through the real pages, one
// instance per device with its own refresh chain, offline uploads, revocation of one instance or of the
// whole grant, refresh-token reuse, user-code guessing, and examples/device-cli as a real process.

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHARSET = 'BCDFGHJKLMNPQRSTVWXZ';
const ROOT = resolve(__dirname, '../..');
const PASSWORD = 'a long enough password';

type Json = Record<string, unknown>;
interface Authorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

const bloodPressure = (systolic: number, diastolic: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
  effectiveDateTime: new Date().toISOString(),
  component: [
    { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: systolic, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: diastolic, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
  ],
});

async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('device instances (system)', () => {
  let p: RunningPlatform;
  let nc: NatsConnection;
  let rpc: RpcClient;
  let device: RegisterApplicationResponse;
  let sam: WebClient;
  let samId: string;
  const tokens: Record<'phone' | 'tablet', Json> = { phone: {}, tablet: {} };

  const oauth = async (path: string, form: Record<string, string>) => {
    const res = await fetch(`${p.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const authorize = async (name?: string) => (await oauth('/oauth/device_authorization', { client_id: device.clientId, ...(name ? { instance_name: name } : {}) })).body as unknown as Authorization;
  const poll = (da: Authorization) => oauth('/oauth/token', { grant_type: DEVICE_GRANT, device_code: da.device_code, client_id: device.clientId });
  const refresh = (token: unknown) => oauth('/oauth/token', { grant_type: 'refresh_token', refresh_token: String(token), client_id: device.clientId });
  const api = (token: unknown, path: string, body?: unknown) =>
    fetch(`${p.baseUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${String(token)}`, ...(body ? { 'content-type': 'application/fhir+json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const upload = (t: Json, systolic = 120, diastolic = 80) => api(t.access_token, `/api/v1/records/${String(t.record_id)}/items`, bloodPressure(systolic, diastolic));

  /** The person's side: /device, the code in lower case without its dash, the confirmation, the consent page. */
  async function decide(b: WebClient, da: Authorization, decision: 'approve' | 'deny', instanceName: string): Promise<Page> {
    const entry = await b.follow('/device');
    expect(entry.html).toContain('Code from your device');
    const confirm = await b.submit(entry, { user_code: da.user_code.toLowerCase().replace('-', '') });
    expect(confirm.html).toContain('asks to connect with the code');
    expect(confirm.html).toContain(instanceName.replace(/'/g, '&#39;'));
    const consent = await b.submit(confirm, {});
    expect(consent.html).toContain('name="decision"');
    expect(consent.html).toContain(instanceName.replace(/'/g, '&#39;'));
    return b.submit(consent, { decision });
  }

  async function connect(name: string): Promise<Json> {
    const da = await authorize(name);
    expect((await decide(sam, da, 'approve', name)).html).toContain('is connected');
    const answer = await poll(da);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  async function revokeInstance(b: WebClient, instanceId: unknown, csrf?: string) {
    const token = csrf ?? b.csrfOf(await b.request('/records'));
    return b.request('/apps/revoke-instance', { form: { instance_id: String(instanceId), _csrf: token } });
  }

  /** The application's partner event feed (what GET /api/v1/events and the webhooks serve), from partner-push. */
  async function revokedEvent(instanceId: unknown) {
    const { items } = await rpc.request(PartnerPushCmd.ListEvents, { appId: device.appId, limit: 500 });
    return items.find((e) => e.type === 'device-instance.revoked' && (e.data as Json).instanceId === instanceId);
  }

  beforeAll(async () => {
    p = await startPlatform();
    nc = await connectNats(p.natsUrl, 'device-instances-sys');
    rpc = new RpcClient(nc, 10_000);
    const res = await fetch(`${p.baseUrl}/api/v1/admin/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Contoso Cuff',
        kind: 'device',
        redirectUris: [],
        rules: [{ name: 'Readings', reason: 'Adds your blood pressure', dataTypes: ['Observation'], permissions: [Permission.Create, Permission.Read], mode: AccessMode.Offline, required: true }],
      }),
    });
    device = (await res.json()) as RegisterApplicationResponse;
    await signUp(new WebClient(p.baseUrl), { email: 'sam@example.org', password: PASSWORD, name: 'Sam' });
    sam = new WebClient(p.baseUrl);
  }, 180_000);

  afterAll(async () => {
    await nc?.close();
    await p?.stop();
  });

  it('device authorization: a long device code, an 8-letter base-20 user code, /device, ≤ 15 min, interval 5', async () => {
    const da = await authorize("Sam's iPhone");
    expect(da.device_code.length).toBeGreaterThanOrEqual(43); // 43 × 6 bits of a CSPRNG: ≥ 128 bits
    expect(da.user_code).toMatch(new RegExp(`^[${CHARSET}]{4}-[${CHARSET}]{4}$`));
    expect(da).toMatchObject({ verification_uri: `${p.baseUrl}/device`, verification_uri_complete: `${p.baseUrl}/device?user_code=${da.user_code}`, expires_in: 600, interval: 5 });
    const tooLong = await oauth('/oauth/device_authorization', { client_id: device.clientId, instance_name: 'x'.repeat(101) });
    expect(tooLong).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('/device needs a sign-in; two instances approved with a lower-case code: pending, slow_down, then tokens with instance_id', async () => {
    const signin = await sam.follow('/device');
    expect(signin.url.pathname).toBe('/signin');
    expect(signin.url.searchParams.get('next')).toBe('/device');
    const back = await sam.submit(signin, { email: 'sam@example.org', password: PASSWORD }, { actionPart: '/signin' });
    expect(back.url.pathname).toBe('/device');
    samId = (await rpc.request(IdentityCmd.SignIn, { email: 'sam@example.org', password: PASSWORD })).person.id;

    const da = await authorize("Sam's iPhone");
    expect((await poll(da)).body.error).toBe('authorization_pending');
    expect((await poll(da)).body.error).toBe('slow_down');
    expect((await decide(sam, da, 'approve', "Sam's iPhone")).html).toContain('is connected');
    const phone = await poll(da);
    expect(phone.status).toBe(200);
    expect(phone.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'patient/Observation.cr' });
    expect(phone.body.instance_id).toMatch(UUID);
    expect(typeof phone.body.refresh_token).toBe('string');
    const claims = JSON.parse(Buffer.from(String(phone.body.access_token).split('.')[1]!, 'base64url').toString()) as Json;
    expect(claims).toMatchObject({ instance_id: phone.body.instance_id, record_id: phone.body.record_id, grant_id: phone.body.grant_id, cv_mode: 'offline' });
    tokens.phone = phone.body;
    tokens.tablet = await connect('Kitchen tablet');
    expect(tokens.tablet).toMatchObject({ record_id: tokens.phone.record_id, grant_id: tokens.phone.grant_id });
    expect(tokens.tablet.instance_id).not.toBe(tokens.phone.instance_id);
  });

  it('a denied authorization → access_denied; an expired code → expired_token', async () => {
    const denied = await authorize('Spare phone');
    expect((await decide(sam, denied, 'deny', 'Spare phone')).html).toContain('You did not allow the device');
    expect((await poll(denied)).body.error).toBe('access_denied');
    const late = await authorize('Old laptop');
    const pg = new Client({ connectionString: p.databaseUrl });
    await pg.connect();
    await pg.query(`UPDATE identity.oauth_objects SET payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch FROM now())::bigint - 1)) WHERE model = 'DeviceCode' AND id = $1`, [late.device_code]);
    await pg.end();
    expect((await poll(late)).body.error).toBe('expired_token');
  });

  it('both instances upload offline; items and audit events name the instance; /apps lists both', async () => {
    for (const t of [tokens.phone, tokens.tablet]) {
      const res = await upload(t);
      expect(res.status).toBe(201);
      const item = (await res.json()) as { created: Json };
      expect(item.created).toMatchObject({ mode: 'offline', appId: device.appId, instanceId: t.instance_id });
    }
    const pg = new Client({ connectionString: p.databaseUrl });
    await pg.connect();
    const { rows } = await pg.query<{ data: Json }>(`SELECT envelope->'data' AS data FROM record_store.outbox WHERE subject = 'audit.evt.data-accessed.v1' AND envelope->'data'->>'instanceId' = $1`, [tokens.phone.instance_id]);
    await pg.end();
    expect(rows[0]?.data).toMatchObject({ appId: device.appId, instanceId: tokens.phone.instance_id, mode: 'offline', outcome: expect.any(String) });
    const listed = await rpc.request(IdentityCmd.ListDeviceInstances, { personId: samId, recordIds: [String(tokens.phone.record_id)] });
    expect(listed.items.map((i) => i.name).sort()).toEqual(['Kitchen tablet', "Sam's iPhone"]);
    expect(listed.items.every((i) => i.lastUsedAt !== null)).toBe(true);
    const apps = await sam.request('/apps');
    expect(apps.status).toBe(200);
    expect(apps.html).toContain('Kitchen tablet');
    expect(apps.html).toContain('Sam&#39;s iPhone');
    expect(apps.html.match(/name="instance_id"/g)).toHaveLength(2);
  });

  it('revoking one instance (POST /apps/revoke-instance): its refresh and data calls fail at once, the other keeps working, partners get the event', async () => {
    expect((await sam.request('/apps/revoke-instance', { form: { instance_id: String(tokens.phone.instance_id), _csrf: 'wrong' } })).status).toBe(403);
    const stranger = new WebClient(p.baseUrl);
    await signUp(stranger, { email: 'eve@example.org', password: PASSWORD, name: 'Eve' });
    expect((await revokeInstance(stranger, tokens.phone.instance_id)).status).toBe(404);
    const answer = await revokeInstance(sam, tokens.phone.instance_id);
    expect(answer.status).toBe(303);
    expect(answer.location?.pathname).toBe('/apps');
    const apps = await sam.request('/apps');
    expect(apps.html).not.toContain('Sam&#39;s iPhone');
    expect(apps.html).toContain('Kitchen tablet');
    expect((await upload(tokens.phone)).status).toBe(401);
    expect(await refresh(tokens.phone.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await upload(tokens.tablet)).status).toBe(201);
    const renewed = await refresh(tokens.tablet.refresh_token);
    expect(renewed).toMatchObject({ status: 200, body: { instance_id: tokens.tablet.instance_id } });
    tokens.tablet = renewed.body;
    const event = await eventually(() => revokedEvent(tokens.phone.instance_id), 'device-instance.revoked in the feed');
    expect(event.data).toMatchObject({ appId: device.appId, instanceId: tokens.phone.instance_id, recordId: tokens.phone.record_id, personId: samId, grantId: tokens.phone.grant_id, reason: 'person' });
  });

  it('refresh tokens rotate; an old one revokes the whole chain (and the instance); 10 racing refreshes → exactly 1 succeeds', async () => {
    const hall = await connect('Hall cuff');
    const r1 = await refresh(hall.refresh_token);
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(hall.refresh_token);
    await new Promise((r) => setTimeout(r, 1100)); // past REFRESH_REUSE_GRACE_SECONDS (1 s under startPlatform): this is reuse
    expect(await refresh(hall.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await refresh(r1.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await eventually(async () => !(await rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: String(hall.instance_id) })).active, 'the instance to be revoked');
    expect((await upload(r1.body)).status).toBe(401);

    const racer = await connect('Racing cuff');
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(racer.refresh_token)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body.error === 'invalid_grant')).toHaveLength(9);
    // The duplicates did not count as reuse: the winner's tokens and the instance still work.
    const winner = answers.find((a) => a.status === 200)!.body;
    expect((await upload(winner)).status).toBe(201);
    expect(await refresh(winner.refresh_token)).toMatchObject({ status: 200 });
  });

  it('examples/device-cli: connects through /device, uploads, reuses its credentials, disconnects (RFC 7009), says plainly when it is not connected', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'cuff-')), 'cuff.json');
    const run = (args: string[]) => {
      const child: ChildProcess = spawn(process.execPath, ['examples/device-cli/cli.mjs', '--state', state, ...args], {
        cwd: ROOT,
        env: { ...process.env, CAREVAULT_URL: p.baseUrl, CLIENT_ID: device.clientId },
      });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const done = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
      return { output: () => out, done };
    };
    const first = run(['--name', 'Bedroom cuff', '--systolic', '121', '--diastolic', '79']);
    const code = await eventually(async () => /Enter\s+([A-Z]{4}-[A-Z]{4})/.exec(first.output())?.[1], 'the CLI to show its code');
    expect(first.output()).toContain(`${p.baseUrl}/device`);
    expect((await decide(sam, { user_code: code } as Authorization, 'approve', 'Bedroom cuff')).html).toContain('is connected');
    expect(await first.done).toBe(0);
    expect(first.output()).toMatch(/Uploaded 121\/79 mmHg/);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as Json;
    expect(saved).toMatchObject({ clientId: device.clientId, recordId: tokens.tablet.record_id, instanceId: expect.stringMatching(UUID) });

    const second = run([]);
    expect(await second.done).toBe(0);
    expect(second.output()).toMatch(/Uploaded \d+\/\d+ mmHg \(simulated\)/);
    expect((JSON.parse(readFileSync(state, 'utf8')) as Json).refreshToken).not.toBe(saved.refreshToken);
    const list = await api(tokens.tablet.access_token, `/api/v1/records/${String(tokens.tablet.record_id)}/items?type=Observation`);
    const items = ((await list.json()) as { items: Array<{ created: Json }> }).items;
    expect(items.filter((i) => i.created.instanceId === saved.instanceId)).toHaveLength(2);

    const connected = readFileSync(state, 'utf8');
    const bye = run(['--disconnect']);
    expect(await bye.done).toBe(0);
    expect(bye.output()).toContain('Disconnected.');
    await eventually(async () => !(await rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: String(saved.instanceId) })).active, 'RFC 7009 to revoke the instance');
    writeFileSync(state, connected, { mode: 0o600 }); // as if the cuff still held its old credentials
    const third = run([]);
    expect(await third.done).toBe(2);
    expect(third.output()).toContain('This cuff is no longer connected to Carevault. Run `node examples/device-cli/cli.mjs --connect`');
  });

  it("revoking the app's grant revokes every instance of it on the record", async () => {
    await rpc.request(ConsentCmd.RevokeGrant, { grantId: String(tokens.tablet.grant_id), personId: samId });
    expect((await upload(tokens.tablet)).status).toBe(404);
    await eventually(async () => !(await rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: String(tokens.tablet.instance_id) })).active, 'the tablet to be revoked');
    expect((await upload(tokens.tablet)).status).toBe(401);
    expect(await refresh(tokens.tablet.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await rpc.request(IdentityCmd.ListDeviceInstances, { personId: samId })).items).toEqual([]);
    const event = await eventually(() => revokedEvent(tokens.tablet.instance_id), "the tablet's device-instance.revoked");
    expect(event.data).toMatchObject({ reason: 'grant-revoked', grantId: tokens.tablet.grant_id });
  });

  it('wrong user codes: rate-limited per person and address, 0 successes in 1,000 guesses', async () => {
    const mallory = new WebClient(p.baseUrl);
    await signUp(mallory, { email: 'mallory@example.org', password: PASSWORD, name: 'Mallory' });
    const live = await authorize('Target');
    const guess = () => Array.from({ length: 8 }, () => CHARSET[Math.floor(Math.random() * 20)]).join('');
    const outcomes = { confirmed: 0, wrong: 0, limited: 0, other: 0 };
    // Each guess from its own tab (its own oidc-provider form token), 50 at a time: every one reaches the code lookup.
    const attempt = async () => {
      const tab = mallory.fork();
      const form = await tab.request('/device');
      const xsrf = /name="xsrf" value="([^"]*)"/.exec(form.html)![1]!;
      return tab.request('/device', { form: { xsrf, user_code: guess() } });
    };
    for (let batch = 0; batch < 20; batch++) {
      for (const page of await Promise.all(Array.from({ length: 50 }, attempt))) {
        if (page.html.includes('asks to connect')) outcomes.confirmed++;
        else if (page.status === 429 && page.html.includes('Too many tries')) outcomes.limited++;
        else if (page.html.includes('That code is not right')) outcomes.wrong++;
        else outcomes.other++;
      }
    }
    expect(outcomes.confirmed).toBe(0);
    expect(outcomes.wrong).toBeLessThanOrEqual(10);
    expect(outcomes).toMatchObject({ confirmed: 0, other: 0, limited: 1000 - outcomes.wrong });
    const form = await mallory.request('/device');
    const xsrf = /name="xsrf" value="([^"]*)"/.exec(form.html)![1]!;
    const right = await mallory.request('/device', { form: { xsrf, user_code: live.user_code } });
    expect(right.status).toBe(429);
    expect((await poll(live)).body.error).toBe('authorization_pending');
  }, 120_000);
});
