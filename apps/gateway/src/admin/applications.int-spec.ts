import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { ADMIN_TOKEN, Failure, type Harness, startHarness } from '../../test/harness';

const APP_ID = '3f2b8c1e-4d5a-4e6f-8a7b-9c0d1e2f3a4b';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const rule = { name: 'read-vitals', reason: 'Shows your trend.', dataTypes: ['Observation'], permissions: ['read'], mode: 'online', required: true };
const application = { name: 'BP Tracker', kind: 'web', redirectUris: ['https://bp.example/cb'], rules: [rule] };
const view = {
  appId: APP_ID,
  clientId: 'cv_bp',
  name: 'BP Tracker',
  description: null,
  kind: 'web',
  redirectUris: ['https://bp.example/cb'],
  webhookUrl: null,
  rules: [rule],
  ruleSetVersion: 1,
  hasClientSecret: true,
  createdAt: '2026-11-29T10:00:00.000Z',
  updatedAt: '2026-11-29T10:00:00.000Z',
};

describe('operator API /api/v1/admin/applications', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(() => h.services.reset());

  const post = (payload: unknown, headers: Record<string, string> = auth) =>
    h.request({ method: 'POST', url: '/api/v1/admin/applications', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['a wrong token', { authorization: 'Bearer not-the-operator-token' }],
      ['the token without Bearer', { authorization: ADMIN_TOKEN }],
      ['a Basic scheme', { authorization: `Basic ${ADMIN_TOKEN}` }],
      ['a token with a suffix', { authorization: `Bearer ${ADMIN_TOKEN}x` }],
    ])('answers 401 UNAUTHENTICATED with %s, before reading the body', async (_label, headers) => {
      const res = await post({ garbage: true }, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.json()).toMatchObject({ status: 401, code: ErrorCode.UNAUTHENTICATED });
      expect(h.services.calls).toHaveLength(0);
    });
  });

  describe('POST (register)', () => {
    it('sends the validated body to identity and answers 201 with its reply, correlated', async () => {
      await h.services.on(IdentityCmd.RegisterApplication, () => ({ ...view, clientSecret: 'shown-once' }));
      const res = await post(application, { ...auth, 'x-correlation-id': 'corr-123' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({ ...view, clientSecret: 'shown-once' });
      const call = h.services.last(IdentityCmd.RegisterApplication);
      expect(call?.data).toEqual(application);
      expect(call?.correlationId).toBe('corr-123');
      expect(res.headers['x-correlation-id']).toBe('corr-123');
    });

    it('refuses a malformed body at the gateway with one error per field, without calling identity', async () => {
      const res = await post({ name: '', kind: 'desktop', redirectUris: 'x', rules: [{ ...rule, mode: 'sometimes', permissions: ['peek'] }], extra: 1 });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.code).toBe(ErrorCode.VALIDATION_FAILED);
      const fields = body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'kind', 'redirectUris', 'rules.0.mode', 'rules.0.permissions', 'extra']));
      expect(h.services.calls).toHaveLength(0);
    });

    it('passes identity validation errors through as 400 naming each field', async () => {
      const errors = [
        { field: 'rules.0.dataTypes.0', message: 'Observaton is not a FHIR R4 resource type' },
        { field: 'redirectUris.0', message: 'redirect URIs must be https' },
      ];
      await h.services.on(IdentityCmd.RegisterApplication, () => new Failure({ code: ErrorCode.VALIDATION_FAILED, message: 'the request is not valid', errors }));
      const res = await post(application);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        type: 'tag:carevault.dev,2026:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: 'the request is not valid',
        code: ErrorCode.VALIDATION_FAILED,
        errors,
      });
    });

    it('answers 503 UNAVAILABLE when identity is not there', async () => {
      const res = await post(application);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ code: ErrorCode.UNAVAILABLE, status: 503 });
      expect(res.body).not.toContain('identity.cmd');
    });
  });

  describe('GET /:appId', () => {
    it('answers the application', async () => {
      await h.services.on(IdentityCmd.GetApplication, () => view);
      const res = await h.request({ method: 'GET', url: `/api/v1/admin/applications/${APP_ID}`, headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(view);
      expect(h.services.last(IdentityCmd.GetApplication)?.data).toEqual({ appId: APP_ID });
    });

    it('maps NOT_FOUND from identity to 404', async () => {
      await h.services.on(IdentityCmd.GetApplication, () => new Failure({ code: ErrorCode.NOT_FOUND, message: 'no such application' }));
      const res = await h.request({ method: 'GET', url: `/api/v1/admin/applications/${APP_ID}`, headers: auth });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: ErrorCode.NOT_FOUND, detail: 'no such application' });
    });

    it('answers 404 for an id that is not a UUID, without asking identity', async () => {
      const res = await h.request({ method: 'GET', url: '/api/v1/admin/applications/not-a-uuid', headers: auth });
      expect(res.statusCode).toBe(404);
      expect(h.services.calls).toHaveLength(0);
    });

    it('answers 500 with only an error id when identity fails unexpectedly', async () => {
      await h.services.on(IdentityCmd.GetApplication, () => new Failure({ code: ErrorCode.INTERNAL, message: 'internal error', errorId: 'e-42' }));
      const res = await h.request({ method: 'GET', url: `/api/v1/admin/applications/${APP_ID}`, headers: auth });
      expect(res.statusCode).toBe(500);
      expect(Object.keys(res.json()).sort()).toEqual(['code', 'detail', 'errorId', 'status', 'title', 'type']);
      expect(res.json()).toMatchObject({ code: ErrorCode.INTERNAL, errorId: 'e-42' });
    });

    it('answers 500 INTERNAL when a service replies with something that is not an error body', async () => {
      await h.services.on(IdentityCmd.GetApplication, () => new Failure({ stack: 'at SELECT * FROM identity.applications', message: 'relation missing' }));
      const res = await h.request({ method: 'GET', url: `/api/v1/admin/applications/${APP_ID}`, headers: auth });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toMatch(/SELECT|relation|stack/);
      expect(res.json().errorId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('PUT /:appId/rules', () => {
    it('sends the app id and the rules; answers the new rule set', async () => {
      const ruleSet = { appId: APP_ID, version: 2, rules: [rule], createdAt: '2026-11-29T10:00:00.000Z' };
      await h.services.on(IdentityCmd.ReplaceRules, () => ruleSet);
      const res = await h.request({
        method: 'PUT',
        url: `/api/v1/admin/applications/${APP_ID}/rules`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: { rules: [rule] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(ruleSet);
      expect(h.services.last(IdentityCmd.ReplaceRules)?.data).toEqual({ appId: APP_ID, rules: [rule] });
    });

    it('refuses an appId in the body (the path names the application)', async () => {
      const res = await h.request({
        method: 'PUT',
        url: `/api/v1/admin/applications/${APP_ID}/rules`,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: { appId: APP_ID, rules: [] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['appId', 'rules']));
    });
  });

  describe('POST /:appId/secret', () => {
    it('answers 200 with the new secret; CONFLICT for a device app is 409', async () => {
      const rotated = { appId: APP_ID, clientId: 'cv_bp', clientSecret: 'new', rotatedAt: '2026-11-29T10:00:00.000Z' };
      await h.services.on(IdentityCmd.RotateSecret, () => rotated);
      const ok = await h.request({ method: 'POST', url: `/api/v1/admin/applications/${APP_ID}/secret`, headers: auth });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual(rotated);
      await h.services.on(IdentityCmd.RotateSecret, () => new Failure({ code: ErrorCode.CONFLICT, message: 'a device application has no secret' }));
      const conflict = await h.request({ method: 'POST', url: `/api/v1/admin/applications/${APP_ID}/secret`, headers: auth });
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json()).toMatchObject({ code: ErrorCode.CONFLICT });
    });
  });
});
