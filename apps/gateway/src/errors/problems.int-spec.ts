import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { ADMIN_TOKEN, type Harness, type HttpResponse, startHarness } from '../../test/harness';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const REGISTER = '/api/v1/admin/applications';

function expectProblem(res: HttpResponse, status: number, code: ErrorCode): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = res.json();
  expect(body).toMatchObject({ status, code, type: expect.stringMatching(/^tag:carevault\.dev,2026:problem:/), title: expect.any(String), detail: expect.any(String) });
  expect(Object.keys(body).every((k) => ['type', 'title', 'status', 'detail', 'code', 'errors', 'errorId'].includes(k))).toBe(true);
  expect(res.body).not.toMatch(/\bat .+\.(ts|js):\d+|stack|SELECT|FST_ERR/);
}

describe('problem answers (RFC 9457)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(() => h.services.reset());

  const post = (payload: string, contentType = 'application/json') =>
    h.request({ method: 'POST', url: REGISTER, headers: { ...auth, 'content-type': contentType }, payload });

  it('answers an unknown route with 404 NOT_FOUND, without echoing the query', async () => {
    const res = await h.request({ method: 'GET', url: '/no/such/route?code=secret-code' });
    expectProblem(res, 404, ErrorCode.NOT_FOUND);
    expect(res.body).not.toContain('secret-code');
  });

  it('answers an unknown method on a known path with 404 NOT_FOUND', async () => {
    expectProblem(await h.request({ method: 'DELETE', url: REGISTER, headers: auth }), 404, ErrorCode.NOT_FOUND);
  });

  it.each([
    ['truncated JSON', '{"name":'],
    ['a trailing comma', '{"name":"x",}'],
    ['an empty body', ''],
    ['a prototype-poisoning key', '{"__proto__":{"admin":true}}'],
    ['a constructor-poisoning key', '{"constructor":{"prototype":{"admin":true}}}'],
  ])('answers malformed JSON (%s) with 400 VALIDATION_FAILED', async (_label, payload) => {
    expectProblem(await post(payload), 400, ErrorCode.VALIDATION_FAILED);
  });

  it('answers a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }));
    expectProblem(res, 413, ErrorCode.PAYLOAD_TOO_LARGE);
  });

  it('accepts a body just under 1 MiB as far as validation', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(1000 * 1000) }));
    expectProblem(res, 400, ErrorCode.VALIDATION_FAILED);
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers a %s body to a JSON API with 415 UNSUPPORTED_MEDIA_TYPE',
    async (type) => {
      expectProblem(await post('name=x', type), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    },
  );

  const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  it.each([
    ['an array', '[]'],
    ['an array of objects', '[{"name":"x"}]'],
    ['a string', '"application"'],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
    ['an empty object', '{}'],
    ['rules as a string', '{"name":"x","kind":"web","redirectUris":[],"rules":"all"}'],
    ['rules with null items', '{"name":"x","kind":"web","redirectUris":[],"rules":[null, 1, "r", []]}'],
    ['a rule of wrong types', '{"name":"x","kind":"web","redirectUris":[],"rules":[{"name":{},"reason":[],"dataTypes":"Observation","permissions":[[]],"mode":1,"required":"yes"}]}'],
    ['nested garbage everywhere', '{"name":{"a":[{"b":null}]},"kind":["web"],"redirectUris":[{"x":1}],"webhookUrl":false,"rules":{"0":{}}}'],
    ['an object nested 100 000 deep', deep(100_000)],
    ['a rule nested deep', `{"rules":[${deep(40)}]}`],
    ['a huge array', `{"redirectUris":[${'"https://a.example",'.repeat(40_000)}"x"]}`],
    ['unicode and control characters', '{"name":"\\u0000\\ud800","kind":"web\\n","redirectUris":["\\u202e"],"rules":[]}'],
  ])('answers %s with 400 VALIDATION_FAILED and field errors, never 500', async (_label, payload) => {
    const res = await post(payload);
    expectProblem(res, 400, ErrorCode.VALIDATION_FAILED);
    const errors: { field: string; message: string }[] = res.json().errors;
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toEqual({ field: expect.any(String), message: expect.any(String) });
    expect(h.services.calls).toHaveLength(0);
  });

  it('answers 503 UNAVAILABLE (not 500) when the service does not answer', async () => {
    const res = await h.request({ method: 'GET', url: `${REGISTER}/3f2b8c1e-4d5a-4e6f-8a7b-9c0d1e2f3a4b`, headers: auth });
    expectProblem(res, 503, ErrorCode.UNAVAILABLE);
    expect(res.body).not.toContain(IdentityCmd.GetApplication);
  });

  it('carries a correlation id on every answer, a safe one from the caller or a new one', async () => {
    const given = await h.request({ method: 'GET', url: '/nope', headers: { 'x-correlation-id': 'abc-123' } });
    expect(given.headers['x-correlation-id']).toBe('abc-123');
    const unsafe = await h.request({ method: 'GET', url: '/nope', headers: { 'x-correlation-id': 'a b<script>' } });
    expect(unsafe.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
