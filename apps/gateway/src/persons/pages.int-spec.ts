import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { Failure, type Harness, type HttpResponse, startHarness } from '../../test/harness';

const PERSON = { id: '0d6f3c2a-1b4e-4c5d-9e8f-7a6b5c4d3e2f', email: 'ada@example.org', name: 'Ada <Lovelace>' };
const SESSION = { sessionId: 's-1', token: 'session-token-1', expiresAt: '2030-01-01T00:00:00.000Z' };
const FORM = 'application/x-www-form-urlencoded';

const cookieValue = (res: HttpResponse, name: string) => res.setCookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0]?.slice(name.length + 1);
const csrfField = (res: HttpResponse) => /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];

describe('person pages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(() => h.services.reset());

  /** A browser's visit to a form: its cv_csrf cookie and the page's _csrf token. */
  async function visit(path: string): Promise<{ page: HttpResponse; csrfCookie: string; token: string }> {
    const page = await h.request({ method: 'GET', url: path });
    return { page, csrfCookie: cookieValue(page, 'cv_csrf') as string, token: csrfField(page) as string };
  }

  const submit = (path: string, fields: Record<string, string | string[]>, cookies: Record<string, string> = {}) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    const cookie = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    return h.request({ method: 'POST', url: path, headers: { 'content-type': FORM, ...(cookie ? { cookie } : {}) }, payload: body.toString() });
  };

  async function signedIn(): Promise<Record<string, string>> {
    await h.services.on(IdentityCmd.ResolveSession, (d: { token: string }) =>
      d.token === SESSION.token ? { sessionId: SESSION.sessionId, person: PERSON, expiresAt: SESSION.expiresAt } : new Failure({ code: ErrorCode.UNAUTHENTICATED, message: 'no such session' }),
    );
    const { csrfCookie, token } = await visit('/signin');
    return { cv_csrf: csrfCookie, cv_session: SESSION.token, token };
  }

  describe('GET /signup', () => {
    it('renders an accessible form with a CSRF token bound to a new HttpOnly cv_csrf cookie', async () => {
      const { page, csrfCookie, token } = await visit('/signup');
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.setCookies.find((c) => c.startsWith('cv_csrf='))).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(csrfCookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(page.body).toContain('<html lang="en">');
      expect(page.body).toContain('Carevault');
      for (const f of ['name', 'email', 'password']) expect(page.body).toMatch(new RegExp(`<label for="f-${f}">[\\s\\S]*id="f-${f}" name="${f}"`));
    });

    it('keeps the browser cookie on later visits and carries a safe next only', async () => {
      const first = await visit('/signup');
      const again = await h.request({ method: 'GET', url: '/signup?next=%2Frecords%3Ftab%3D1', headers: { cookie: `cv_csrf=${first.csrfCookie}` } });
      expect(again.setCookies).toEqual([]);
      expect(csrfField(again)).toBe(first.token);
      expect(again.body).toContain('name="next" value="/records?tab=1"');
      const evil = await h.request({ method: 'GET', url: '/signup?next=//evil.example' });
      expect(evil.body).not.toContain('evil.example');
    });
  });

  describe('CSRF', () => {
    it.each([
      ['neither cookie nor token', () => ({ cookies: {}, token: undefined })],
      ['a cookie but no token', (v: V) => ({ cookies: { cv_csrf: v.csrfCookie }, token: undefined })],
      ['a token but no cookie', (v: V) => ({ cookies: {}, token: v.token })],
      ['a token of another browser', (v: V, w: V) => ({ cookies: { cv_csrf: v.csrfCookie }, token: w.token })],
      ['the token twice', (v: V) => ({ cookies: { cv_csrf: v.csrfCookie }, token: [v.token, v.token] })],
    ])('refuses a POST with %s: 403 page, nothing sent to identity', async (_label, make) => {
      const v = await visit('/signup');
      const w = await visit('/signup');
      const { cookies, token } = make(v, w);
      for (const path of ['/signup', '/signin', '/signout', '/records']) {
        const res = await submit(path, { email: 'a@b.example', password: 'long enough password', name: 'A', ...(token ? { _csrf: token } : {}) }, cookies);
        expect(res.statusCode).toBe(403);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toContain('This form has expired');
      }
      expect(h.services.calls).toHaveLength(0);
    });
  });

  describe('POST /signup', () => {
    it('creates the person, sets the session cookie and redirects 303 to a safe next', async () => {
      await h.services.on(IdentityCmd.SignUp, () => ({ person: PERSON, recordId: 'r-1', session: SESSION }));
      const v = await visit('/signup');
      const cases: [string | undefined, string][] = [
        [undefined, '/records'],
        ['/records?tab=1', '/records?tab=1'],
        ['//evil.example/x', '/records'],
        ['https://evil.example/', '/records'],
        ['/\\evil.example', '/records'],
      ];
      for (const [next, location] of cases) {
        const res = await submit('/signup', { email: PERSON.email, password: 'correct horse battery', name: 'Ada', _csrf: v.token, ...(next ? { next } : {}) }, { cv_csrf: v.csrfCookie });
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe(location);
        expect(res.setCookies.find((c) => c.startsWith('cv_session='))).toBe(
          `cv_session=${SESSION.token}; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; SameSite=Lax`,
        );
      }
      expect(h.services.last(IdentityCmd.SignUp)?.data).toEqual({ email: PERSON.email, password: 'correct horse battery', name: 'Ada', clientAddress: expect.any(String) });
    });

    it('re-renders the form with the service messages and the entered values, never the password', async () => {
      await h.services.on(IdentityCmd.SignUp, () =>
        new Failure({ code: ErrorCode.VALIDATION_FAILED, message: 'the request is not valid', errors: [{ field: 'email', message: 'email must be an email address' }] }),
      );
      const v = await visit('/signup');
      const res = await submit('/signup', { email: 'not-an-email', password: 'secret-password-123', name: '<script>alert(1)</script>', _csrf: v.token }, { cv_csrf: v.csrfCookie });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('role="alert"');
      expect(res.body).toContain('email must be an email address');
      expect(res.body).toContain('value="not-an-email"');
      expect(res.body).toMatch(/id="f-email" name="email"[^>]*aria-invalid="true"/);
      expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(res.body).not.toContain('<script>');
      expect(res.body).not.toContain('secret-password-123');
      expect(res.setCookies.some((c) => c.startsWith('cv_session='))).toBe(false);
    });

    it('says plainly when the email address is taken (409)', async () => {
      await h.services.on(IdentityCmd.SignUp, () => new Failure({ code: ErrorCode.CONFLICT, message: 'email taken' }));
      const v = await visit('/signup');
      const res = await submit('/signup', { email: PERSON.email, password: 'x'.repeat(12), name: 'Ada', _csrf: v.token }, { cv_csrf: v.csrfCookie });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('An account with this email address already exists');
    });
  });

  describe('POST /signin', () => {
    it('signs in and redirects; a wrong password re-renders the form with one plain message', async () => {
      const v = await visit('/signin');
      await h.services.on(IdentityCmd.SignIn, (d: { password: string }) =>
        d.password === 'right password!' ? { person: PERSON, session: SESSION } : new Failure({ code: ErrorCode.UNAUTHENTICATED, message: 'wrong email or password' }),
      );
      const wrong = await submit('/signin', { email: PERSON.email, password: 'wrong password', _csrf: v.token, next: '/records' }, { cv_csrf: v.csrfCookie });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain('The email address or the password is not right.');
      expect(wrong.body).toContain(`value="${PERSON.email}"`);
      expect(wrong.body).not.toContain('wrong password');
      const right = await submit('/signin', { email: PERSON.email, password: 'right password!', _csrf: v.token }, { cv_csrf: v.csrfCookie });
      expect(right.statusCode).toBe(303);
      expect(cookieValue(right, 'cv_session')).toBe(SESSION.token);
    });
  });

  describe('/records', () => {
    it('redirects to sign-in without a session, and forgets a session identity no longer knows', async () => {
      const none = await h.request({ method: 'GET', url: '/records' });
      expect(none.statusCode).toBe(303);
      expect(none.headers.location).toBe('/signin?next=%2Frecords');
      await signedIn();
      const stale = await h.request({ method: 'GET', url: '/records', headers: { cookie: 'cv_session=ended-token' } });
      expect(stale.statusCode).toBe(303);
      expect(stale.setCookies.find((c) => c.startsWith('cv_session='))).toMatch(/^cv_session=; Path=\/; Max-Age=0;/);
    });

    it('lists the records (escaped) with a sign-out button and an add form', async () => {
      const c = await signedIn();
      await h.services.on(IdentityCmd.ListRecords, () => ({
        items: [{ id: 'r-1', name: '<b>Ada</b>', relationship: 'self', createdAt: '2026-11-29T10:00:00.000Z' }],
        nextCursor: null,
      }));
      const res = await h.request({ method: 'GET', url: '/records', headers: { cookie: `cv_session=${c.cv_session}; cv_csrf=${c.cv_csrf}` } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('&lt;b&gt;Ada&lt;/b&gt;');
      expect(res.body).toContain('Ada &lt;Lovelace&gt;');
      expect(res.body).toContain('action="/signout"');
      expect(csrfField(res)).toBe(c.token);
      expect(h.services.last(IdentityCmd.ListRecords)?.data).toEqual({ personId: PERSON.id });
    });

    it('adds a record (303) and re-renders with values and messages when identity refuses', async () => {
      const c = await signedIn();
      await h.services.on(IdentityCmd.ListRecords, () => ({ items: [], nextCursor: null }));
      await h.services.on(IdentityCmd.AddRecord, (d: { name: string }) =>
        d.name.trim()
          ? { id: 'r-2', name: d.name, relationship: 'child', createdAt: '2026-11-29T10:00:00.000Z' }
          : new Failure({ code: ErrorCode.VALIDATION_FAILED, message: 'invalid', errors: [{ field: 'name', message: 'name must not be empty' }] }),
      );
      const cookies = { cv_session: c.cv_session as string, cv_csrf: c.cv_csrf as string };
      const ok = await submit('/records', { name: 'Grace', relationship: 'child', _csrf: c.token as string }, cookies);
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe('/records');
      expect(h.services.last(IdentityCmd.AddRecord)?.data).toEqual({ personId: PERSON.id, name: 'Grace', relationship: 'child' });
      const bad = await submit('/records', { name: ' ', relationship: 'parent', _csrf: c.token as string }, cookies);
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('name must not be empty');
      expect(bad.body).toContain('<option value="parent" selected>');
    });

    it('answers an HTML 503 page (not JSON) when identity is down', async () => {
      const res = await h.request({ method: 'GET', url: '/records', headers: { cookie: 'cv_session=any' } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('try again in a moment');
    });
  });

  describe('POST /signout', () => {
    it('ends the session in identity, clears the cookie and redirects to /signin', async () => {
      const c = await signedIn();
      await h.services.on(IdentityCmd.SignOut, () => ({ ended: true, sessionId: SESSION.sessionId }));
      const res = await submit('/signout', { _csrf: c.token as string }, { cv_session: c.cv_session as string, cv_csrf: c.cv_csrf as string });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/signin');
      expect(res.setCookies.find((s) => s.startsWith('cv_session='))).toMatch(/^cv_session=; Path=\/; Max-Age=0;/);
      expect(h.services.last(IdentityCmd.SignOut)?.data).toEqual({ token: SESSION.token });
    });

    it('keeps the cookie and says so when identity cannot end the session', async () => {
      const v = await visit('/signin');
      const res = await submit('/signout', { _csrf: v.token }, { cv_session: SESSION.token, cv_csrf: v.csrfCookie });
      expect(res.statusCode).toBe(503);
      expect(res.setCookies.some((s) => s.startsWith('cv_session='))).toBe(false);
    });
  });
});

type V = { csrfCookie: string; token: string };

describe('person pages behind https', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ PUBLIC_URL: 'https://carevault.example' });
  });
  afterAll(() => h.close());

  it('marks the cookies Secure', async () => {
    const res = await h.request({ method: 'GET', url: '/signin' });
    expect(res.setCookies.find((c) => c.startsWith('cv_csrf='))).toMatch(/; Secure; SameSite=Lax$/);
  });
});
