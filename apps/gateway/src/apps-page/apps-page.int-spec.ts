import { AccessMode, ConsentCmd, ErrorCode, type GrantView, IdentityCmd, Permission } from '@carevault/contracts';
import { Failure, type Harness, type HttpResponse, startHarness } from '../../test/harness';

const PERSON = { id: '0d6f3c2a-1b4e-4c5d-9e8f-7a6b5c4d3e2f', email: 'sam@example.org', name: 'Sam' };
const OTHER_PERSON = '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
const SESSION = { sessionId: 's-1', token: 'session-token-1', expiresAt: '2030-01-01T00:00:00.000Z' };
const SAM = { id: '11111111-1111-4111-8111-111111111111', name: 'Sam', relationship: 'self', createdAt: '2026-11-01T10:00:00.000Z' };
const KIM = { id: '22222222-2222-4222-8222-222222222222', name: 'Kim <3', relationship: 'child', createdAt: '2026-11-02T10:00:00.000Z' };
const PHARMACY = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const LAB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const GRANT_1 = 'c1c1c1c1-c1c1-4c1c-8c1c-c1c1c1c1c1c1';
const GRANT_2 = 'c2c2c2c2-c2c2-4c2c-8c2c-c2c2c2c2c2c2';
const INSTANCE = '7b0e9c1e-5d2f-4c7a-9a51-2f0c9d3e4b61';

const grant = (o: Partial<GrantView>): GrantView => ({
  grantId: GRANT_1,
  appId: PHARMACY,
  recordId: SAM.id,
  personId: PERSON.id,
  rules: [{ name: 'Dispensed medicines', reason: 'r', dataTypes: ['MedicationStatement'], permissions: [Permission.Create, Permission.Read], mode: AccessMode.Offline, required: true }],
  ruleSetVersion: 1,
  version: 1,
  state: 'active',
  source: 'web',
  modes: [AccessMode.Offline],
  createdAt: '2026-11-29T10:00:00.000Z',
  updatedAt: '2026-11-29T10:00:00.000Z',
  revokedAt: null,
  ...o,
});

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const csrfField = (res: HttpResponse) => /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
const cookieOf = (res: HttpResponse, name: string) => res.setCookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0]?.slice(name.length + 1);

describe('connected applications page and leaving a record', () => {
  let h: Harness;
  let cookies: { cv_session: string; cv_csrf: string };
  let token: string;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  beforeEach(async () => {
    await h.services.reset();
    await h.services.on(IdentityCmd.ResolveSession, (d: { token: string }) =>
      d.token === SESSION.token ? { sessionId: SESSION.sessionId, person: PERSON, expiresAt: SESSION.expiresAt } : new Failure({ code: ErrorCode.UNAUTHENTICATED, message: 'no such session' }),
    );
    await h.services.on(IdentityCmd.ListRecords, () => ({ items: [SAM, KIM], nextCursor: null }));
    await h.services.on(IdentityCmd.GetApplication, (d: { appId: string }) =>
      d.appId === PHARMACY ? { appId: PHARMACY, name: 'Contoso Pharmacy' } : d.appId === LAB ? { appId: LAB, name: 'Fabrikam <Lab>' } : new Failure({ code: ErrorCode.NOT_FOUND, message: 'no such application' }),
    );
    await h.services.on(IdentityCmd.GetRecord, (d: { recordId: string }) => {
      const r = [SAM, KIM].find((x) => x.id === d.recordId);
      return r ? { ...r, custodianCount: r === KIM ? 2 : 1 } : new Failure({ code: ErrorCode.NOT_FOUND, message: 'no such record' });
    });
    await h.services.on(ConsentCmd.ListRecordGrants, (d: { recordIds: string[] }) => ({
      items: [
        grant({}),
        grant({ grantId: GRANT_2, appId: LAB, recordId: KIM.id, personId: OTHER_PERSON, updatedAt: '2026-11-30T08:00:00.000Z', rules: [{ name: 'Results', reason: 'r', dataTypes: ['Observation', 'DiagnosticReport'], permissions: [Permission.Read], mode: AccessMode.Online, required: true }] }),
      ].filter((g) => d.recordIds.includes(g.recordId)),
      nextCursor: null,
    }));
    await h.services.on(IdentityCmd.ListDeviceInstances, (d: { recordIds: string[] }) => ({
      items: [
        { id: INSTANCE, appId: PHARMACY, recordId: SAM.id, personId: PERSON.id, name: "Sam's <phone>", createdAt: '2026-11-29T09:00:00.000Z', lastUsedAt: null, revokedAt: null },
      ].filter((i) => d.recordIds.includes(i.recordId)),
    }));
    const signin = await h.request({ method: 'GET', url: '/signin' });
    cookies = { cv_session: SESSION.token, cv_csrf: cookieOf(signin, 'cv_csrf')! };
    token = csrfField(signin)!;
  });

  const cookieHeader = (extra: Record<string, string> = {}) => Object.entries({ ...cookies, ...extra }).map(([k, v]) => `${k}=${v}`).join('; ');
  const get = (url: string, extra?: Record<string, string>) => h.request({ method: 'GET', url, headers: { cookie: cookieHeader(extra) } });
  const post = (url: string, fields: Record<string, string>) =>
    h.request({ method: 'POST', url, headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

  it('sends a visitor without a session to sign in', async () => {
    const res = await h.request({ method: 'GET', url: '/apps' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/signin?next=%2Fapps');
  });

  it('lists, per record, the applications with their rules in plain words, since when, by whom, and a Revoke form', async () => {
    const res = await get('/apps');
    expect(res.statusCode).toBe(200);
    const t = text(res.body);
    expect(h.services.last(ConsentCmd.ListRecordGrants)?.data).toEqual({ recordIds: [SAM.id, KIM.id] });
    expect(t).toContain("Sam's record (Myself)");
    expect(t).toContain('Contoso Pharmacy Authorized by you since 29 November 2026 .');
    expect(t).toContain('Dispensed medicines : may see and add medication statements. Offline: also on its own');
    expect(t).toContain("Kim <3's record (My child)");
    expect(res.body).toContain('Kim &lt;3');
    expect(t).toContain('Fabrikam <Lab> Authorized by another custodian of this record since 29 November 2026 , changed on 30 November 2026 .');
    expect(t).toContain('Results : may see observations, diagnostic reports. Online: only while you are signed in');
    const forms = [...res.body.matchAll(/<form method="post" action="\/apps\/revoke"[\s\S]*?<\/form>/g)].map((m) => m[0]);
    expect(forms).toHaveLength(2);
    expect(forms[0]).toContain(`name="_csrf" value="${token}"`);
    expect(forms[0]).toContain(`name="grant_id" value="${GRANT_1}"`);
    expect(res.body).toContain('<a href="/apps">Connected apps</a>');
    // Each device instance on its own, with its own Disconnect form.
    expect(t).toContain("Sam's <phone> (Contoso Pharmacy; connected on 29 November 2026 ) Disconnect");
    expect(res.body).toContain(`name="instance_id" value="${INSTANCE}"`);
  });

  it('says so for a record no application may use', async () => {
    await h.services.on(ConsentCmd.ListRecordGrants, () => ({ items: [], nextCursor: null }));
    const t = text((await get('/apps')).body);
    expect(t).toContain('No application can use this record.');
    expect(t).not.toContain('Revoke');
  });

  it('keeps application names briefly: a second page view does not ask identity again', async () => {
    expect(text((await get('/apps')).body)).toContain('Contoso Pharmacy');
    h.services.calls.length = 0;
    expect(text((await get('/apps')).body)).toContain('Fabrikam <Lab>');
    expect(h.services.calls.filter((c) => c.subject === IdentityCmd.GetApplication)).toHaveLength(0);
    expect(h.services.calls.filter((c) => c.subject === ConsentCmd.ListRecordGrants)).toHaveLength(1);
  });

  it('revokes: RevokeGrant with the person, 303 to /apps, and a one-time message there', async () => {
    await h.services.on(ConsentCmd.RevokeGrant, (d: { grantId: string }) => grant({ grantId: d.grantId, state: 'revoked' }));
    const res = await post('/apps/revoke', { grant_id: GRANT_1, _csrf: token });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/apps');
    expect(h.services.last(ConsentCmd.RevokeGrant)?.data).toEqual({ grantId: GRANT_1, personId: PERSON.id });
    const flash = cookieOf(res, 'cv_flash')!;
    expect(res.setCookies.find((c) => c.startsWith('cv_flash='))).toMatch(/; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/);
    const page = await get('/apps', { cv_flash: flash });
    expect(text(page.body)).toContain("Contoso Pharmacy can no longer use Sam's record.");
    expect(page.body).toContain('role="status"');
    expect(page.setCookies.find((c) => c.startsWith('cv_flash='))).toMatch(/^cv_flash=; .*Max-Age=0/);
  });

  it('shows no message from a cookie the gateway did not sign', async () => {
    const forged = `${Buffer.from('Call 555-0100 now').toString('base64url')}.bm90LWEtbWFj`;
    const page = await get('/apps', { cv_flash: forged });
    expect(page.body).not.toContain('555-0100');
    expect(page.body).not.toContain('role="status"');
  });

  it('answers a plain error (404) for a grant that is not on one of the person\'s records, or not a grant id', async () => {
    await h.services.on(ConsentCmd.RevokeGrant, () => new Failure({ code: ErrorCode.NOT_FOUND, message: 'no such grant' }));
    const res = await post('/apps/revoke', { grant_id: GRANT_2, _csrf: token });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(text(res.body)).toContain('That application does not have access to any of your records.');
    expect(text(res.body)).toContain('Contoso Pharmacy');
    const calls = h.services.calls.filter((c) => c.subject === ConsentCmd.RevokeGrant).length;
    expect((await post('/apps/revoke', { grant_id: 'not-a-grant', _csrf: token })).statusCode).toBe(404);
    expect(h.services.calls.filter((c) => c.subject === ConsentCmd.RevokeGrant)).toHaveLength(calls);
  });

  it('refuses a revoke without the CSRF token (403) and sends nothing to consent', async () => {
    await h.services.on(ConsentCmd.RevokeGrant, () => grant({ state: 'revoked' }));
    const res = await post('/apps/revoke', { grant_id: GRANT_1 });
    expect(res.statusCode).toBe(403);
    expect(h.services.last(ConsentCmd.RevokeGrant)).toBeUndefined();
  });

  it('links /apps and "Stop being a custodian" from /records', async () => {
    const res = await get('/records');
    expect(res.body).toContain('href="/apps"');
    expect(res.body).toContain(`href="/records/leave?record_id=${KIM.id}"`);
  });

  it('asks for confirmation, listing the applications the person authorized there; the only custodian is told why they cannot leave', async () => {
    await h.services.on(ConsentCmd.ListRecordGrants, () => ({ items: [grant({ recordId: KIM.id }), grant({ grantId: GRANT_2, appId: LAB, recordId: KIM.id, personId: OTHER_PERSON })], nextCursor: null }));
    const page = await get(`/records/leave?record_id=${KIM.id}`);
    expect(page.statusCode).toBe(200);
    const t = text(page.body);
    expect(t).toContain("Stop being a custodian of Kim <3's record?");
    expect(t).toContain('The applications you authorized on it lose access at once: Contoso Pharmacy');
    expect(t).not.toContain('Fabrikam');
    expect(page.body).toMatch(/<form method="post" action="\/records\/leave"[\s\S]*name="record_id" value="22222222-2222-4222-8222-222222222222"/);
    const only = await get(`/records/leave?record_id=${SAM.id}`);
    expect(text(only.body)).toContain("You are the only custodian of Sam's record, so you cannot stop being its custodian");
    expect(only.body).not.toContain('action="/records/leave"');
    expect((await get('/records/leave?record_id=nope')).statusCode).toBe(404);
    expect((await get('/records/leave')).headers.location).toBe('/records');
  });

  it('leaves: RemoveCustodian, then RevokeRecordGrants at once, 303 to /apps with a message', async () => {
    await h.services.on(ConsentCmd.ListRecordGrants, () => ({ items: [grant({ recordId: KIM.id })], nextCursor: null }));
    await h.services.on(IdentityCmd.RemoveCustodian, (d: { personId: string; recordId: string }) => ({ ...d, at: '2026-11-29T11:00:00.000Z' }));
    await h.services.on(ConsentCmd.RevokeRecordGrants, () => ({ revoked: 1 }));
    const res = await post('/records/leave', { record_id: KIM.id, _csrf: token });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/apps');
    expect(h.services.last(IdentityCmd.RemoveCustodian)?.data).toEqual({ personId: PERSON.id, recordId: KIM.id });
    expect(h.services.last(ConsentCmd.RevokeRecordGrants)?.data).toEqual({ personId: PERSON.id, recordId: KIM.id });
    const page = await get('/apps', { cv_flash: cookieOf(res, 'cv_flash')! });
    expect(text(page.body)).toContain("You are no longer a custodian of Kim <3's record. Contoso Pharmacy can no longer use it.");
  });

  it('still leaves when consent cannot revoke right now (its consumer of custodian-removed will); CONFLICT shows why not', async () => {
    await h.services.on(IdentityCmd.RemoveCustodian, (d: { personId: string; recordId: string }) => ({ ...d, at: '2026-11-29T11:00:00.000Z' }));
    await h.services.on(ConsentCmd.RevokeRecordGrants, () => new Failure({ code: ErrorCode.UNAVAILABLE, message: 'down' }));
    expect((await post('/records/leave', { record_id: KIM.id, _csrf: token })).statusCode).toBe(303);
    await h.services.on(IdentityCmd.RemoveCustodian, () => new Failure({ code: ErrorCode.CONFLICT, message: 'last custodian' }));
    await h.services.on(IdentityCmd.GetRecord, () => ({ ...KIM, custodianCount: 1 }));
    const refused = await post('/records/leave', { record_id: KIM.id, _csrf: token });
    expect(refused.statusCode).toBe(409);
    expect(text(refused.body)).toContain('You are the only custodian of Kim');
  });
});
