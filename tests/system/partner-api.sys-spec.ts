import { type AccessMode, ConsentCmd, IdentityCmd, Permission, type RegisterApplicationResponse, type SignUpResponse } from '@carevault/contracts';
import { RpcClient, connectNats } from '@carevault/platform';
import { type RunningPlatform, mintAccessToken, startPlatform } from '@carevault/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

// The partner data API end to end: every service as its own process, real PostgreSQL and NATS.
// Grants are made through the consent service and tokens minted with the platform's signing key, so
// this suite exercises decisions, caching, invalidation and the record store without a browser.

const medicationStatement = (note = 'x') => ({
  resourceType: 'MedicationStatement',
  status: 'active',
  medicationCodeableConcept: { text: `Amoxicillin 500 mg ${note}` },
  subject: { reference: 'Patient/123' },
  effectiveDateTime: '2026-11-01T10:00:00Z',
});

const condition = () => ({
  resourceType: 'Condition',
  code: { text: 'Seasonal allergic rhinitis' },
  subject: { reference: 'Patient/123' },
  recordedDate: '2026-10-01',
});

describe('partner data API (system)', () => {
  let p: RunningPlatform;
  let nc: NatsConnection;
  let rpc: RpcClient;
  let app: RegisterApplicationResponse;
  let person: SignUpResponse;
  let otherRecordId: string;
  let strangerRecordId: string;
  let grantId: string;
  let offline: string;
  let online: string;

  const api = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${p.baseUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string>),
      },
    });

  beforeAll(async () => {
    p = await startPlatform();
    nc = await connectNats(p.natsUrl, 'partner-api-test');
    rpc = new RpcClient(nc, 15_000);
    const res = await fetch(`${p.baseUrl}/api/v1/admin/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Contoso Pharmacy',
        kind: 'web',
        redirectUris: ['http://localhost:9999/callback'],
        rules: [
          { name: 'meds', reason: 'Keep your medication list current', dataTypes: ['MedicationStatement'], permissions: ['create', 'read', 'update', 'delete'], mode: 'offline', required: true },
          { name: 'conditions', reason: 'Check interactions', dataTypes: ['Condition'], permissions: ['create', 'read', 'update', 'delete'], mode: 'online', required: false },
          { name: 'allergies', reason: 'Check allergies', dataTypes: ['AllergyIntolerance'], permissions: ['read'], mode: 'online', required: false },
        ],
      }),
    });
    expect(res.status).toBe(201);
    app = (await res.json()) as RegisterApplicationResponse;
    person = await rpc.request(IdentityCmd.SignUp, { email: `sam-${randomUUID()}@example.org`, password: 'correct horse battery', name: 'Sam' });
    otherRecordId = (await rpc.request(IdentityCmd.AddRecord, { personId: person.person.id, name: 'Kim (child)', relationship: 'child' })).id;
    const stranger = await rpc.request(IdentityCmd.SignUp, { email: `lee-${randomUUID()}@example.org`, password: 'correct horse battery', name: 'Lee' });
    strangerRecordId = stranger.recordId;
    const granted = await rpc.request(ConsentCmd.UpsertGrant, {
      appId: app.appId,
      recordId: person.recordId,
      personId: person.person.id,
      ruleSetVersion: app.ruleSetVersion,
      optionalRules: ['conditions'],
      source: 'web',
    });
    grantId = granted.grant.grantId;
    expect(granted.outcome).toBe('created');
    offline = await mintAccessToken(p, { client_id: app.clientId, app_id: app.appId, cv_mode: 'offline' });
    online = await mintAccessToken(p, {
      client_id: app.clientId,
      app_id: app.appId,
      cv_mode: 'online',
      sub: person.person.id,
      person_id: person.person.id,
      record_id: person.recordId,
      grant_id: grantId,
      sid: person.session.sessionId,
    });
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await p?.stop();
  });

  it('lets the app add an item offline and read it back with its version stamp as ETag', async () => {
    const created = await api(offline, `/api/v1/records/${person.recordId}/items`, { method: 'POST', body: JSON.stringify(medicationStatement()) });
    expect(created.status).toBe(201);
    const item = (await created.json()) as { id: string; versionStamp: string; created: { mode: string; appId: string }; type: string };
    expect(created.headers.get('etag')).toBe(`"${item.versionStamp}"`);
    expect(item.created).toMatchObject({ mode: 'offline', appId: app.appId });
    const read = await api(online, `/api/v1/records/${person.recordId}/items/${item.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(`"${item.versionStamp}"`);
  });

  it('accepts application/fhir+json bodies', async () => {
    const res = await api(offline, `/api/v1/records/${person.recordId}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(medicationStatement('fhir+json')),
    });
    expect(res.status).toBe(201);
  });

  it('never lets an online-only rule be used with an offline token, for any permission', async () => {
    const created = await api(online, `/api/v1/records/${person.recordId}/items`, { method: 'POST', body: JSON.stringify(condition()) });
    expect(created.status).toBe(201);
    const item = (await created.json()) as { id: string; versionStamp: string };
    const base = `/api/v1/records/${person.recordId}/items`;
    const attempts: Array<[Permission, Response]> = [
      [Permission.Create, await api(offline, base, { method: 'POST', body: JSON.stringify(condition()) })],
      [Permission.Read, await api(offline, `${base}/${item.id}`)],
      [Permission.Update, await api(offline, `${base}/${item.id}`, { method: 'PUT', headers: { 'if-match': `"${item.versionStamp}"` }, body: JSON.stringify(condition()) })],
      [Permission.Delete, await api(offline, `${base}/${item.id}`, { method: 'DELETE', headers: { 'if-match': `"${item.versionStamp}"` } })],
    ];
    for (const [permission, res] of attempts) {
      expect({ permission, status: res.status }).toEqual({ permission, status: 403 });
      expect(((await res.json()) as { code: string }).code).toBe('ACCESS_DENIED');
    }
    const listed = await api(offline, `${base}?type=Condition`);
    expect(listed.status).toBe(403);
  });

  it('answers 404 for records without a grant (another record of the person, another person), for every verb', async () => {
    for (const recordId of [otherRecordId, strangerRecordId, randomUUID(), 'not-a-uuid']) {
      for (const token of [offline, online]) {
        const base = `/api/v1/records/${recordId}/items`;
        const responses = [
          await api(token, base, { method: 'POST', body: JSON.stringify(medicationStatement()) }),
          await api(token, base),
          await api(token, `${base}/${randomUUID()}`),
          await api(token, `${base}/${randomUUID()}`, { method: 'PUT', headers: { 'if-match': '"x"' }, body: JSON.stringify(medicationStatement()) }),
          await api(token, `${base}/${randomUUID()}`, { method: 'DELETE', headers: { 'if-match': '"x"' } }),
          await api(token, `${base}/${randomUUID()}/versions`),
          await api(token, `/api/v1/records/${recordId}/permissions`),
        ];
        for (const res of responses) {
          expect(res.status).toBe(404);
          const body = (await res.json()) as { code: string; detail: string };
          expect(body.code).toBe('NOT_FOUND');
          expect(body.detail).toBe('No such record.');
        }
      }
    }
  });

  it('lets exactly one of 50 concurrent updates with the same version stamp win; the rest get 412', async () => {
    const created = await api(offline, `/api/v1/records/${person.recordId}/items`, { method: 'POST', body: JSON.stringify(medicationStatement('race')) });
    const item = (await created.json()) as { id: string; versionStamp: string };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api(offline, `/api/v1/records/${person.recordId}/items/${item.id}`, {
          method: 'PUT',
          headers: { 'if-match': `"${item.versionStamp}"` },
          body: JSON.stringify(medicationStatement(`update ${i}`)),
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    const missing = await api(offline, `/api/v1/records/${person.recordId}/items/${item.id}`, { method: 'PUT', body: JSON.stringify(medicationStatement()) });
    expect(missing.status).toBe(428);
  });

  it('refuses invalid FHIR with 400 naming the problem', async () => {
    const bad = [
      [{ resourceType: 'NotAThing' }, /resourceType|resource type/i],
      [{ resourceType: 'MedicationStatement', subject: { reference: 'Patient/1' } }, /status/],
      [{ ...medicationStatement(), status: 42 }, /status/],
    ] as const;
    for (const [body, problem] of bad) {
      const res = await api(offline, `/api/v1/records/${person.recordId}/items`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(await res.json())).toMatch(problem);
    }
  });

  it('answers 413 for a body over 1 MiB and 401 without a valid token', async () => {
    const huge = { ...medicationStatement(), note: [{ text: 'x'.repeat(1_100_000) }] };
    const res = await api(offline, `/api/v1/records/${person.recordId}/items`, { method: 'POST', body: JSON.stringify(huge) });
    expect(res.status).toBe(413);
    expect((await api('not-a-token', `/api/v1/records/${person.recordId}/items`)).status).toBe(401);
    const foreign = await mintAccessToken({ ...p, env: { ...p.env, PUBLIC_URL: 'http://evil.example' } }, { client_id: app.clientId, app_id: app.appId, cv_mode: 'offline' });
    expect((await api(foreign, `/api/v1/records/${person.recordId}/items`)).status).toBe(401);
  });

  it('reports effective permissions per data type, online and offline', async () => {
    const res = await api(offline, `/api/v1/records/${person.recordId}/permissions`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { online: Record<string, string[]>; offline: Record<string, string[]> };
    expect(body.offline).toEqual({ MedicationStatement: ['create', 'read', 'update', 'delete'] });
    expect(body.online.Condition).toEqual(['create', 'read', 'update', 'delete']);
    expect(body.online.AllergyIntolerance).toBeUndefined();
    const grants = await api(offline, `/api/v1/me/grants`);
    expect(((await grants.json()) as { items: Array<{ grantId: string; modes: AccessMode[] }> }).items.map((g) => g.grantId)).toEqual([grantId]);
  });

  it("serves the app's event feed to its application token only", async () => {
    let types: string[] = [];
    for (const until = Date.now() + 15_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      const feed = await api(offline, '/api/v1/events');
      expect(feed.status).toBe(200);
      const body = (await feed.json()) as { items: Array<{ type: string; data: { grantId: string } }> };
      types = body.items.filter((e) => e.data.grantId === grantId).map((e) => e.type);
      if (types.includes('grant.created')) break;
    }
    expect(types).toContain('grant.created');
    expect((await api(online, '/api/v1/events')).status).toBe(403);
    expect((await api(online, '/api/v1/webhook-deliveries')).status).toBe(403);
  });

  it('refuses the very next online call after sign-out (401), while offline access goes on', async () => {
    const other = await rpc.request(IdentityCmd.SignIn, { email: person.person.email, password: 'correct horse battery' });
    const token = await mintAccessToken(p, {
      client_id: app.clientId,
      app_id: app.appId,
      cv_mode: 'online',
      person_id: person.person.id,
      record_id: person.recordId,
      grant_id: grantId,
      sid: other.session.sessionId,
    });
    expect((await api(token, `/api/v1/records/${person.recordId}/items`)).status).toBe(200);
    await rpc.request(IdentityCmd.SignOut, { token: other.session.token });
    expect((await api(token, `/api/v1/records/${person.recordId}/items`)).status).toBe(401);
    expect((await api(offline, `/api/v1/records/${person.recordId}/items`)).status).toBe(200);
  });

  it('denies the very next call after the person revokes the grant (404 like a missing record)', async () => {
    expect((await api(offline, `/api/v1/records/${person.recordId}/items`)).status).toBe(200);
    await rpc.request(ConsentCmd.RevokeGrant, { grantId, personId: person.person.id });
    const after = await api(offline, `/api/v1/records/${person.recordId}/items`);
    expect(after.status).toBe(404);
    expect((await api(online, `/api/v1/records/${person.recordId}/items`)).status).toBe(404);
  });
});
