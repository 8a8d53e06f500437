import { ConnectRequestCmd, ErrorCode, IdentityCmd } from '@carevault/contracts';
import { mintAccessToken } from '@carevault/testing';
import { generateKeyPairSync } from 'node:crypto';
import { Failure, type Harness, type HttpResponse, startHarness } from '../../test/harness';

const APP_ID = '7d1f1e0a-8a5b-4c1e-9d7e-0b8f6c5a4e31';
const PERSON = { id: '0d6f3c2a-1b4e-4c5d-9e8f-7a6b5c4d3e2f', email: 'sam@example.org', name: 'Sam' };
const TICKET = 'T'.repeat(43);
const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const BODY = { externalId: 'patient-1', friendlyName: "Dr. Lee's clinic", question: 'Pet?', answer: 'Rex' };
const offlineRule = { name: 'Meds', reason: 'r', dataTypes: ['MedicationStatement'], permissions: ['create'], mode: 'offline', required: true };

const csrfOf = (res: HttpResponse) => /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
const cookieOf = (res: HttpResponse, name: string) => res.setCookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0]?.slice(name.length + 1) ?? '';

describe('Patient Connect at the gateway', () => {
  let h: Harness;
  let appToken: string;
  const api = (method: string, url: string, payload?: object, token = appToken) => h.request({ method, url, payload, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    h = await startHarness({ TOKEN_SIGNING_KEY: KEY });
    appToken = await mintAccessToken({ env: { TOKEN_SIGNING_KEY: KEY, PUBLIC_URL: h.config.PUBLIC_URL }, baseUrl: h.config.PUBLIC_URL }, { client_id: 'c', app_id: APP_ID, cv_mode: 'offline' });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.services.reset();
    await h.services.on(IdentityCmd.OAuthJtiStatus, () => ({ revoked: false }));
    await h.services.on(IdentityCmd.GetApplication, () => ({ appId: APP_ID, name: 'Contoso Pharmacy', rules: [offlineRule], ruleSetVersion: 1 }));
  });

  describe('partner routes', () => {
    it('creates with the application id of the token, never of the body', async () => {
      await h.services.on(ConnectRequestCmd.Create, () => ({ externalId: 'patient-1', pickupCode: 'ABCD', pickupUrl: 'u', expiresAt: 'e' }));
      const res = await api('POST', '/api/v1/connect-requests', BODY);
      expect([res.statusCode, res.json()]).toEqual([201, { externalId: 'patient-1', pickupCode: 'ABCD', pickupUrl: 'u', expiresAt: 'e' }]);
      expect(h.services.last(ConnectRequestCmd.Create)?.data).toEqual({ appId: APP_ID, ...BODY });
    });

    it('checks the token before the body, and refuses applications without offline rules', async () => {
      const anonymous = await h.request({ method: 'POST', url: '/api/v1/connect-requests', payload: { bogus: 1 } });
      expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, ErrorCode.UNAUTHENTICATED]);
      const invalid = await api('POST', '/api/v1/connect-requests', { ...BODY, appId: APP_ID, question: '' });
      expect(invalid.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['appId', 'question']);
      await h.services.on(IdentityCmd.GetApplication, () => ({ appId: APP_ID, name: 'Web', rules: [{ ...offlineRule, mode: 'online' }], ruleSetVersion: 1 }));
      const online = await api('POST', '/api/v1/connect-requests', BODY);
      expect([online.statusCode, online.json().code]).toEqual([403, ErrorCode.ACCESS_DENIED]);
      expect(h.services.calls.filter((c) => c.subject === ConnectRequestCmd.Create)).toEqual([]);
    });

    it('refuses a user token (403) even with a live session', async () => {
      await h.services.on(IdentityCmd.SessionStatus, () => ({ active: true }));
      const claims = { client_id: 'c', app_id: APP_ID, cv_mode: 'online' as const, person_id: PERSON.id, record_id: APP_ID, grant_id: APP_ID, sid: 's-1' };
      const user = await mintAccessToken({ env: { TOKEN_SIGNING_KEY: KEY, PUBLIC_URL: h.config.PUBLIC_URL }, baseUrl: h.config.PUBLIC_URL }, claims);
      for (const res of [await api('POST', '/api/v1/connect-requests', BODY, user), await api('GET', '/api/v1/connect-requests/authorized', undefined, user)]) {
        expect([res.statusCode, res.json().code]).toEqual([403, ErrorCode.ACCESS_DENIED]);
      }
      expect(h.services.calls.map((c) => c.subject)).not.toContain(ConnectRequestCmd.Create);
    });

    it('passes list, delete and rename through, and maps the service codes', async () => {
      await h.services.on(ConnectRequestCmd.ListAuthorized, () => ({ items: [], nextCursor: 'c2', hasMore: false }));
      await h.services.on(ConnectRequestCmd.Delete, () => new Failure({ code: ErrorCode.CONNECT_REQUEST_ALREADY_AUTHORIZED, message: 'picked up' }));
      await h.services.on(ConnectRequestCmd.ChangeExternalId, () => ({ externalId: 'b', previousExternalId: 'a/1', updated: 1 }));
      expect((await api('GET', '/api/v1/connect-requests/authorized?since=c1&limit=5')).json()).toEqual({ items: [], nextCursor: 'c2', hasMore: false });
      expect(h.services.last(ConnectRequestCmd.ListAuthorized)?.data).toEqual({ appId: APP_ID, since: 'c1', limit: 5 });
      expect((await api('GET', '/api/v1/connect-requests/authorized?limit=0')).statusCode).toBe(400);
      const del = await api('DELETE', '/api/v1/connect-requests/a%2F1');
      expect([del.statusCode, del.json().code]).toEqual([409, ErrorCode.CONNECT_REQUEST_ALREADY_AUTHORIZED]);
      expect(h.services.last(ConnectRequestCmd.Delete)?.data).toEqual({ appId: APP_ID, externalId: 'a/1' });
      expect((await api('PATCH', '/api/v1/connect-requests/a%2F1', { newExternalId: 'b' })).statusCode).toBe(200);
      expect(h.services.last(ConnectRequestCmd.ChangeExternalId)?.data).toEqual({ appId: APP_ID, externalId: 'a/1', newExternalId: 'b' });
    });

    it('documents the routes in the OpenAPI document', async () => {
      const doc = (await h.request({ method: 'GET', url: '/api/docs-json' })).json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/connect-requests', '/api/v1/connect-requests/authorized', '/api/v1/connect-requests/{externalId}']));
      expect(doc.components.schemas.CreateConnectRequestBody.required.sort()).toEqual(['answer', 'externalId', 'friendlyName', 'question']);
      expect(doc.paths['/api/v1/connect-requests'].post.responses['409']).toBeDefined();
    });
  });

  describe('/connect pages', () => {
    async function signedIn(): Promise<{ cookie: string; csrf: string }> {
      await h.services.on(IdentityCmd.ResolveSession, () => ({ sessionId: 's', person: PERSON, expiresAt: '2030-01-01T00:00:00.000Z' }));
      const page = await h.request({ method: 'GET', url: '/connect?code=ab-cd', headers: { cookie: 'cv_session=tok' } });
      expect(page.body).toContain('value="ab-cd"');
      return { cookie: `cv_session=tok; cv_csrf=${cookieOf(page, 'cv_csrf')}`, csrf: csrfOf(page) };
    }
    const post = (url: string, cookie: string, fields: Record<string, string>) =>
      h.request({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

    it('sends a signed-out person to sign in, coming back to the code', async () => {
      const res = await h.request({ method: 'GET', url: '/connect?code=ABCD-EFGH' });
      expect([res.statusCode, res.headers.location]).toEqual([303, '/signin?next=%2Fconnect%3Fcode%3DABCD-EFGH']);
    });

    it('refuses a form without its CSRF token before entering the code', async () => {
      const { cookie } = await signedIn();
      expect((await post('/connect', cookie, { code: 'x' })).statusCode).toBe(403);
      expect(h.services.calls.filter((c) => c.subject === ConnectRequestCmd.EnterCode)).toEqual([]);
    });

    it('keeps the ticket in an HttpOnly cookie on /connect only, and answers with it', async () => {
      const { cookie, csrf } = await signedIn();
      await h.services.on(ConnectRequestCmd.EnterCode, () => ({ ticket: TICKET, appId: APP_ID, question: 'Pet?', attemptsLeft: 3, expiresAt: '2030-01-01T00:00:00.000Z' }));
      const question = await post('/connect', cookie, { _csrf: csrf, code: 'abcd efgh' });
      expect(question.body).toContain('Pet?');
      expect(question.body).not.toContain(TICKET);
      expect(question.setCookies.find((c) => c.startsWith('cv_connect='))).toBe(`cv_connect=${APP_ID}.${TICKET}; Path=/connect; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; SameSite=Lax`);
      expect(h.services.last(ConnectRequestCmd.EnterCode)?.data).toEqual({ personId: PERSON.id, clientAddress: '127.0.0.1', code: 'abcd efgh' });

      await h.services.on(ConnectRequestCmd.GetTicket, () => ({ appId: APP_ID, stage: 'question', question: 'Pet?', friendlyName: null, attemptsLeft: 3, expiresAt: 'e' }));
      await h.services.on(ConnectRequestCmd.Answer, () => new Failure({ code: ErrorCode.RETRY_LIMIT_EXCEEDED, message: 'locked' }));
      const locked = await post('/connect', `${cookie}; cv_connect=${APP_ID}.${TICKET}`, { _csrf: csrf, answer: 'Rex' });
      expect(locked.statusCode).toBe(429);
      expect(locked.body).toContain('This pickup code can no longer be used; ask Contoso Pharmacy for a new one.');
      expect(locked.setCookies.find((c) => c.startsWith('cv_connect='))).toMatch(/^cv_connect=; Path=\/connect; Max-Age=0;/);
      expect(h.services.last(ConnectRequestCmd.Answer)?.data).toEqual({ personId: PERSON.id, clientAddress: '127.0.0.1', ticket: TICKET, answer: 'Rex' });
    });

    it('says the same for every code that cannot be picked up, and asks to wait when rate-limited', async () => {
      const { cookie, csrf } = await signedIn();
      await h.services.on(ConnectRequestCmd.EnterCode, (d: { code: string }) =>
        new Failure({ code: d.code === 'many' ? ErrorCode.RATE_LIMITED : ErrorCode.NOT_FOUND, message: 'no' }),
      );
      const bad = await post('/connect', cookie, { _csrf: csrf, code: 'nope' });
      expect([bad.statusCode, bad.body.includes('This code is not valid. Check it and try again.')]).toEqual([400, true]);
      const limited = await post('/connect', cookie, { _csrf: csrf, code: 'many' });
      expect([limited.statusCode, limited.body.includes('Too many tries; wait a few minutes')]).toEqual([429, true]);
    });
  });
});
