import { ConnectRequestCmd, ConsentCmd, IdentityCmd, type RegisterApplicationResponse } from '@carevault/contracts';
import { RpcClient, connectNats } from '@carevault/platform';
import { type RunningPlatform, mintAccessToken, startPlatform } from '@carevault/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { WebClient, signUp } from '@carevault/testing';
import { type CallContext, Driver, compare, occurrences, planCalls, serviceLogs, streamMessages, waitForAccesses } from './audit.support';

// The audit trail end to end: every service as its own process. Completeness of data-access entries
// under load and across an audit outage, tamper evidence, no secrets anywhere, the person's /activity
// page and the operator's routes.

const CONCURRENCY = 16;
const canary = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`;

describe('audit trail (system)', () => {
  let p: RunningPlatform;
  let nc: NatsConnection;
  let rpc: RpcClient;
  let db: Client;
  let driver: Driver;
  let app: RegisterApplicationResponse;
  let ctx: CallContext;
  let personId: string;
  let grantId: string;
  const run = randomBytes(3).toString('hex');
  const email = `ada-${run}@example.org`;
  const secrets = { password: canary('pw'), wrongPassword: canary('wrong-pw'), answer: canary('answer'), wrongAnswer: canary('wrong-answer') } as Record<string, string>;
  const web = () => new WebClient(p.baseUrl);
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${p.baseUrl}/api/v1/admin${path}`, { ...init, headers: { authorization: `Bearer ${p.adminToken}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });

  beforeAll(async () => {
    p = await startPlatform({ healthTimeoutMs: 120_000 });
    nc = await connectNats(p.natsUrl, 'audit-sys-test');
    rpc = new RpcClient(nc, 15_000);
    db = new Client({ connectionString: p.databaseUrl });
    await db.connect();
    driver = new Driver(p.baseUrl, CONCURRENCY);
    const rule = (name: string, dataTypes: string[], mode: string, required: boolean) => ({ name, reason: `For ${name}`, dataTypes, permissions: ['create', 'read'], mode, required });
    const res = await admin('/applications', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Contoso Pharmacy',
        kind: 'web',
        redirectUris: ['http://localhost:9999/callback'],
        rules: [rule('meds', ['MedicationStatement'], 'offline', true), rule('conditions', ['Condition'], 'online', false)],
      }),
    });
    expect(res.status).toBe(201);
    app = (await res.json()) as RegisterApplicationResponse;
    secrets.clientSecret = app.clientSecret!;
    await signUp(web(), { email, password: secrets.password!, name: 'Ada' });
    const signedIn = await rpc.request(IdentityCmd.SignIn, { email, password: secrets.password! });
    personId = signedIn.person.id;
    const recordId = (await rpc.request(IdentityCmd.ListRecords, { personId })).items[0]!.id;
    const otherRecordId = (await rpc.request(IdentityCmd.AddRecord, { personId, name: 'Kim', relationship: 'child' })).id;
    const grant = { appId: app.appId, recordId, personId, ruleSetVersion: app.ruleSetVersion, optionalRules: ['conditions'], source: 'web' as const };
    grantId = (await rpc.request(ConsentCmd.UpsertGrant, grant)).grant.grantId;
    const offline = await mintAccessToken(p, { client_id: app.clientId, app_id: app.appId, cv_mode: 'offline' });
    const online = await mintAccessToken(p, {
      ...{ client_id: app.clientId, app_id: app.appId, cv_mode: 'online', sub: personId, person_id: personId },
      ...{ record_id: recordId, grant_id: grantId, sid: signedIn.session.sessionId },
    });
    const created = await fetch(`${p.baseUrl}/api/v1/records/${recordId}/items`, {
      method: 'POST',
      headers: { authorization: `Bearer ${offline}`, 'content-type': 'application/json' },
      body: JSON.stringify({ resourceType: 'MedicationStatement', status: 'active', medicationCodeableConcept: { text: 'Seed' }, subject: { reference: 'Patient/1' } }),
    });
    ctx = { recordId, otherRecordId, medicationId: ((await created.json()) as { id: string }).id, offline, online };
  }, 200_000);

  afterAll(async () => {
    driver?.close();
    await db?.end();
    await nc?.close();
    await p?.stop();
  });

  it('shows the person their record’s activity in plain words on /activity', async () => {
    const results = await driver.run(planCalls(ctx, 10), `seed-${run}`, 1);
    expect(compare(results, await waitForAccesses(db, `seed-${run}`, 10)).problems).toEqual([]);
    const browser = web();
    const form = await browser.request('/signin');
    expect((await browser.submit(form, { email, password: secrets.password! }, { actionPart: '/signin', stopAt: p.baseUrl })).status).toBe(303);
    const page = await browser.request('/activity');
    expect(page.status).toBe(200);
    for (const sentence of [
      'Contoso Pharmacy added a MedicationStatement — offline — allowed',
      'Contoso Pharmacy added a Condition — online — allowed',
      'Contoso Pharmacy was refused adding Condition — offline — denied (no rule)',
      'Contoso Pharmacy was refused reading Observation — online — denied (no rule)',
      'You authorized Contoso Pharmacy — success',
      'You signed up — success',
    ]) {
      expect(page.html).toContain(sentence);
    }
    const denied = await browser.request(`/activity?record=${ctx.recordId}&app=${app.appId}&outcome=denied`);
    expect(denied.html).toContain('denied (no rule)');
    expect(denied.html).not.toContain('— allowed');
    const other = await browser.request(`/activity?record=${ctx.otherRecordId}`);
    expect(other.html).toContain('— denied (not authorized)');
  }, 60_000);

  it('keeps every data access: 5,000 mixed calls leave exactly 5,000 matching entries', async () => {
    const calls = planCalls(ctx, 5000);
    const started = performance.now();
    const results = await driver.run(calls, `cmp-${run}`, CONCURRENCY);
    const callsDone = performance.now();
    const stored = await waitForAccesses(db, `cmp-${run}`, 5000, 90_000);
    const stored5000 = performance.now();
    const { problems, counts, distinctEvents } = compare(results, stored);
    console.log(
      `completeness: 5000 calls in ${((callsDone - started) / 1000).toFixed(1)} s (${Math.round(5000 / ((callsDone - started) / 1000))}/s, concurrency ${CONCURRENCY}); ` +
        `all stored ${((stored5000 - callsDone) / 1000).toFixed(1)} s later; entries ${stored.length} (distinct events ${distinctEvents}); ` +
        `allowed ${counts.allowed}, denied ${counts.denied}, online ${counts.online}, offline ${counts.offline}`,
    );
    expect(problems.slice(0, 10)).toEqual([]);
    expect(stored).toHaveLength(5000);
    expect(distinctEvents).toBe(5000);
    expect(counts).toEqual({ allowed: 2500, denied: 2500, online: 2000, offline: 3000 });
  }, 240_000);

  it('loses nothing while the audit service is down, and stores nothing twice', async () => {
    await p.stopService('audit');
    let results: Awaited<ReturnType<Driver['run']>>;
    try {
      results = await driver.run(planCalls(ctx, 1000), `out-${run}`, CONCURRENCY);
      expect((await waitForAccesses(db, `out-${run}`, 1, 1000)).length).toBe(0);
    } finally {
      await p.startService('audit');
      await p.waitHealthy(60_000);
    }
    expect(results.filter((r) => r.status !== r.call.status).map((r) => `${r.correlationId}: ${r.status}`)).toEqual([]);
    const stored = await waitForAccesses(db, `out-${run}`, 1000, 90_000);
    await new Promise((r) => setTimeout(r, 1000)); // a late duplicate would show now
    const again = await waitForAccesses(db, `out-${run}`, 1000);
    const { problems, distinctEvents } = compare(results, again);
    console.log(`outage: 1000 calls while audit was down; ${stored.length} entries after restart, ${distinctEvents} distinct events, ${new Set(again.map((s) => s.correlation_id)).size} distinct calls`);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(again).toHaveLength(1000);
    expect(distinctEvents).toBe(1000);
  }, 240_000);

  it('lets the operator filter the trail and export a record’s trail as FHIR AuditEvents', async () => {
    const page = async (query: string) => (await (await admin(`/audit?${query}`)).json()) as { items: Array<Record<string, unknown>>; nextCursor: string | null };
    const denied = await page(`appId=${app.appId}&outcome=denied&limit=100`);
    expect(denied.items).toHaveLength(100);
    expect(new Set(denied.items.map((i) => `${i.appId}/${i.outcome}`))).toEqual(new Set([`${app.appId}/denied`]));
    const older = await page(`appId=${app.appId}&outcome=denied&limit=100&cursor=${encodeURIComponent(denied.nextCursor!)}`);
    expect(older.items.filter((i) => denied.items.some((d) => d.eventId === i.eventId))).toEqual([]);
    const mine = await page(`personId=${personId}&outcome=success&limit=500`);
    expect(mine.items.map((i) => i.action)).toEqual(expect.arrayContaining(['sign-up', 'sign-in', 'grant-created']));

    const res = await admin(`/audit/export?recordId=${ctx.recordId}&limit=50`);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const bundle = (await res.json()) as { resourceType: string; type: string; entry: Array<{ resource: { resourceType: string; id: string } }>; link: Array<{ relation: string; url: string }> };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(bundle.entry).toHaveLength(50);
    expect(new Set(bundle.entry.map((e) => e.resource.resourceType))).toEqual(new Set(['AuditEvent']));
    const next = bundle.link.find((l) => l.relation === 'next')!;
    const second = (await (await fetch(next.url, { headers: { authorization: `Bearer ${p.adminToken}` } })).json()) as typeof bundle;
    expect(second.entry.filter((e) => bundle.entry.some((f) => f.resource.id === e.resource.id))).toEqual([]);
  }, 60_000);

  it('never stores, logs or publishes a password, client secret, pickup code, answer or token', async () => {
    const rotation = await admin(`/applications/${app.appId}/secret`, { method: 'POST' });
    expect(rotation.status).toBe(200);
    const rotated = (await rotation.json()) as { clientSecret: string };
    secrets.rotatedSecret = rotated.clientSecret;
    const basic = `Basic ${Buffer.from(`${app.clientId}:${rotated.clientSecret}`).toString('base64')}`;
    const form = { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' };
    const issued = await fetch(`${p.baseUrl}/oauth/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials' });
    const token = (await issued.json()) as { access_token: string };
    expect(issued.status).toBe(200);
    secrets.accessToken = token.access_token;
    const revoked = await fetch(`${p.baseUrl}/oauth/revoke`, { method: 'POST', headers: form, body: `token=${token.access_token}` });
    expect({ status: revoked.status, body: await revoked.text() }).toEqual({ status: 200, body: '' });

    const browser = web();
    const signin = await browser.request('/signin');
    expect((await browser.submit(signin, { email, password: secrets.wrongPassword! }, { actionPart: '/signin' })).status).toBe(400);

    const request = { appId: app.appId, externalId: `patient-${run}`, friendlyName: 'Ada at Contoso', question: 'First pet?', answer: secrets.answer! };
    const created = await rpc.request(ConnectRequestCmd.Create, request);
    secrets.pickupCode = created.pickupCode;
    secrets.pickupCodeCompact = created.pickupCode.replace(/-/g, '');
    const step = { personId, clientAddress: '203.0.113.5' };
    await expect(rpc.request(ConnectRequestCmd.EnterCode, { ...step, code: 'AAAA-BBBB-CCCC-DDDD-EEEE' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { ticket } = await rpc.request(ConnectRequestCmd.EnterCode, { ...step, code: created.pickupCode });
    secrets.ticket = ticket;
    await expect(rpc.request(ConnectRequestCmd.Answer, { ...step, ticket, answer: secrets.wrongAnswer! })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await rpc.request(ConnectRequestCmd.Answer, { ...step, ticket, answer: secrets.answer! });
    await rpc.request(ConnectRequestCmd.Complete, { personId, ticket, recordId: ctx.recordId, grantId });

    const expected = ['application-registered', 'secret-rotated', 'token-issued', 'token-revoked', 'sign-in-failed', 'connect-code-entered', 'connect-answer-wrong', 'connect-authorized'];
    let actions: string[] = [];
    for (const until = Date.now() + 30_000; Date.now() < until && !expected.every((a) => actions.includes(a)); await new Promise((r) => setTimeout(r, 250))) {
      actions = (await db.query<{ action: string }>(`SELECT DISTINCT action FROM audit.entries WHERE kind = 'recorded'`)).rows.map((r) => r.action);
    }
    expect(actions).toEqual(expect.arrayContaining(expected));
    const { rows } = await db.query<{ action: string; outcome: string; app_id: string; person_id: string; record_id: string; reason: string; details: object }>(
      `SELECT action, outcome, app_id::text, person_id::text, record_id::text, reason, details FROM audit.entries WHERE action = ANY($1) ORDER BY seq`,
      [expected],
    );
    const first = (action: string) => rows.find((r) => r.action === action);
    expect(first('token-issued')).toMatchObject({ app_id: app.appId, details: expect.objectContaining({ mode: 'offline', clientId: app.clientId }) });
    expect(first('sign-in-failed')).toMatchObject({ outcome: 'failure', person_id: personId, reason: 'wrong-password' });
    expect(first('connect-authorized')).toMatchObject({ outcome: 'success', app_id: app.appId, person_id: personId, record_id: ctx.recordId });
    await new Promise((r) => setTimeout(r, 500)); // the services' last log lines reach their files

    const needles = Object.values(secrets);
    const store = (await db.query<{ row: string }>(`SELECT e::text AS row FROM audit.entries e`)).rows.map((r) => r.row).join('\n');
    const logs = serviceLogs(p.logsDir);
    const events = [...(await streamMessages(nc, 'CAREVAULT_EVENTS')), ...(await streamMessages(nc, 'CAREVAULT_AUDIT'))];
    const found = {
      store: occurrences(store, needles),
      logs: logs.reduce((n, l) => n + occurrences(l.text, needles), 0),
      events: occurrences(events.join('\n'), needles),
    };
    console.log(
      `secrets canary: ${needles.length} secrets (${Object.keys(secrets).join(', ')}); ` +
        `audit store ${store.length} chars → ${found.store} matches; logs ${logs.length} files, ${logs.reduce((n, l) => n + l.text.length, 0)} chars → ${found.logs}; ` +
        `events ${events.length} messages → ${found.events}`,
    );
    expect(found).toEqual({ store: 0, logs: 0, events: 0 });
  }, 90_000);

  it('names the entry an operator changed behind the trail’s back', async () => {
    const { rows } = await db.query<{ seq: string; event_id: string }>(
      `SELECT seq::text, event_id::text FROM audit.entries WHERE record_id = $1 AND outcome = 'denied' ORDER BY seq LIMIT 1`,
      [ctx.recordId],
    );
    const target = rows[0]!;
    await expect(db.query(`UPDATE audit.entries SET outcome = 'allowed' WHERE seq = $1`, [target.seq])).rejects.toThrow(/append-only/);
    const tamper = async (outcome: string) => {
      await db.query('ALTER TABLE audit.entries DISABLE TRIGGER entries_append_only');
      await db.query(`UPDATE audit.entries SET outcome = $2 WHERE seq = $1`, [target.seq, outcome]);
      await db.query('ALTER TABLE audit.entries ENABLE TRIGGER entries_append_only');
    };
    const verify = async (query = '') => (await (await admin(`/audit/verify${query}`)).json()) as Record<string, unknown>;
    await tamper('allowed');
    const broken = await verify(`?recordId=${ctx.recordId}`);
    console.log(`tamper: changed seq ${target.seq}; verify says ${JSON.stringify(broken)}`);
    expect(broken).toMatchObject({ ok: false, chainKey: ctx.recordId, seq: target.seq, eventId: target.event_id });
    expect(await verify()).toMatchObject({ ok: false, seq: target.seq });
    await tamper('denied');
    expect(await verify()).toMatchObject({ ok: true });
  }, 60_000);

  it('answers the operator routes only with the operator token', async () => {
    for (const path of ['/audit', '/audit/verify', `/audit/export?recordId=${ctx.recordId}`]) {
      expect((await fetch(`${p.baseUrl}/api/v1/admin${path}`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    }
  });
});
