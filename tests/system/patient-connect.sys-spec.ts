import { IdentityCmd, type RegisterApplicationResponse, type Rule } from '@carevault/contracts';
import { RpcClient, connectNats } from '@carevault/platform';
import { type RunningPlatform, mintAccessToken, startPlatform } from '@carevault/testing';
import { randomInt, randomUUID } from 'node:crypto';

// Patient Connect end to end, every service as its own process: the application creates a connect
// request with its own token, a person picks it up through the /connect pages (signing up on the way),
// the application polls for the pickup and writes into the record. Then the attacks: 20 parallel wrong
// answers and 1,000 guessed codes through the pages.

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const unescape = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const LOCKED = /This pickup code can no longer be used; ask Contoso Pharmacy for a new one/;
const TRIES_LEFT = /That answer is not right; (\d) (?:try|tries) left/;

interface Page { status: number; path: string; html: string; location: string | null; setCookies: string[] }

/** A small browser: a cookie jar (name → value, path), forms posted as urlencoded, redirects followed on request. */
class Browser {
  readonly jar = new Map<string, { value: string; path: string }>();
  constructor(private readonly base: string) {}

  async go(path: string, form?: Record<string, string | string[]>, cookies = this.jar): Promise<Page> {
    const url = new URL(path, this.base);
    const cookie = [...cookies].filter(([, c]) => url.pathname.startsWith(c.path)).map(([n, c]) => `${n}=${c.value}`).join('; ');
    const body = form ? new URLSearchParams(Object.entries(form).flatMap(([k, v]) => [v].flat().map((one): [string, string] => [k, one]))).toString() : undefined;
    const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) };
    const res = await fetch(url, { method: body ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      const cookiePath = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      if (value === '' || /max-age=0/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, { value, path: cookiePath });
    }
    return { status: res.status, path: url.pathname + url.search, html: await res.text(), location: res.headers.get('location'), setCookies };
  }

  async follow(path: string, form?: Record<string, string | string[]>): Promise<Page> {
    let page = await this.go(path, form);
    while (page.location) page = await this.go(page.location);
    return page;
  }

  /** The page's main form (not sign-out) with `values`, as a browser submits it. */
  submit(page: Page, values: Record<string, string | string[]>): Promise<Page> {
    const form = [...page.html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find((f) => f[1] !== '/signout');
    if (!form) throw new Error(`no form on ${page.path} (${page.status}): ${page.html.slice(0, 500)}`);
    const fields: Record<string, string> = {};
    for (const [, attrs] of form[2]!.matchAll(/<input([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(attrs!)?.[1];
      if (name && (!/type="(radio|checkbox)"/.test(attrs!) || /\schecked\b/.test(attrs!))) fields[name] = unescape(/value="([^"]*)"/.exec(attrs!)?.[1] ?? '');
    }
    return this.follow(unescape(form[1]!), { ...fields, ...values });
  }
}

describe('Patient Connect (system)', () => {
  let p: RunningPlatform;
  let pharmacy: RegisterApplicationResponse;
  let appToken: string;
  let otherToken: string;
  const api = (token: string, path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${p.baseUrl}${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
  const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
  const register = async (name: string, rules: Rule[]) => {
    const res = await fetch(`${p.baseUrl}/api/v1/admin/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, kind: 'web', redirectUris: ['https://partner.example/callback'], rules }),
    });
    expect(res.status).toBe(201);
    return json<RegisterApplicationResponse>(res);
  };
  const tokenOf = async (app: RegisterApplicationResponse) => {
    const basic = Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret!)}`).toString('base64');
    const res = await fetch(`${p.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    return (await json<{ access_token: string }>(res)).access_token;
  };
  const createRequest = async (externalId: string) => {
    const res = await api(appToken, '/api/v1/connect-requests', { body: { externalId, friendlyName: "Dr. Lee's clinic: Sam's record", question: 'Name of your first pet?', answer: 'Rex Bello' } });
    expect(res.status).toBe(201);
    return json<{ externalId: string; pickupCode: string; pickupUrl: string; expiresAt: string }>(res);
  };
  const signedUp = async (name: string) => {
    const b = new Browser(p.baseUrl);
    const form = await b.go('/signup');
    expect((await b.submit(form, { name, email: `${name.toLowerCase()}-${randomUUID()}@example.org`, password: 'correct horse battery' })).status).toBe(200);
    return b;
  };
  const enterCode = async (b: Browser, code: string) => b.submit(await b.go('/connect'), { code });
  const authorized = async (token: string, since?: string) =>
    json<{ items: Array<Record<string, string>>; nextCursor: string | null; hasMore: boolean }>(await api(token, `/api/v1/connect-requests/authorized${since ? `?since=${encodeURIComponent(since)}` : ''}`));

  beforeAll(async () => {
    p = await startPlatform();
    const offline = (name: string, dataTypes: string[], required: boolean): Rule =>
      ({ name, reason: `${name} for your care`, dataTypes, permissions: ['create', 'read'], mode: 'offline', required }) as Rule;
    pharmacy = await register('Contoso Pharmacy', [offline('Medications', ['MedicationStatement'], true), offline('Allergies', ['AllergyIntolerance'], false)]);
    appToken = await tokenOf(pharmacy);
    otherToken = await tokenOf(await register('Fabrikam Labs', [offline('Results', ['Observation'], true)]));
  }, 120_000);

  afterAll(async () => {
    await p?.stop();
  });

  it('refuses callers that are not an offline-capable application, and bodies that are not valid', async () => {
    const online = await register('Online Only', [{ name: 'Read', reason: 'r', dataTypes: ['Observation'], permissions: ['read'], mode: 'online', required: true } as Rule]);
    const body = { externalId: 'x', friendlyName: 'x', question: 'q', answer: 'a' };
    const refused = await api(await tokenOf(online), '/api/v1/connect-requests', { body });
    expect([refused.status, (await json(refused)).code]).toEqual([403, 'ACCESS_DENIED']);
    const nc = await connectNats(p.natsUrl, 'patient-connect-test');
    const person = await new RpcClient(nc, 10_000).request(IdentityCmd.SignUp, { email: `ann-${randomUUID()}@example.org`, password: 'correct horse battery', name: 'Ann' });
    await nc.close();
    const claims = { client_id: pharmacy.clientId, app_id: pharmacy.appId, person_id: person.person.id, record_id: person.recordId, grant_id: randomUUID() };
    const user = await mintAccessToken(p, { ...claims, cv_mode: 'online', sid: person.session.sessionId });
    for (const res of [await api(user, '/api/v1/connect-requests', { body }), await api(user, '/api/v1/connect-requests/authorized')]) {
      expect([res.status, (await json(res)).code]).toEqual([403, 'ACCESS_DENIED']);
    }
    expect((await api('nope', '/api/v1/connect-requests', { body })).status).toBe(401);
    const invalid = await api(appToken, '/api/v1/connect-requests', { body: { ...body, answer: ' ', appId: pharmacy.appId } });
    expect(invalid.status).toBe(400);
    expect((await json<{ errors: Array<{ field: string }> }>(invalid)).errors.map((e) => e.field).sort()).toEqual(['answer', 'appId']);
  });

  it('connects a person who signs up on the way; the application polls, sees the event and writes offline', async () => {
    const created = await createRequest('patient-4711');
    expect(created.pickupCode).toMatch(new RegExp(`^[${ALPHABET}]{4}(-[${ALPHABET}]{4}){4}$`));
    expect(created.pickupUrl).toBe(`${p.baseUrl}/connect?code=${created.pickupCode}`);
    const duplicate = await api(appToken, '/api/v1/connect-requests', { body: { externalId: 'patient-4711', friendlyName: 'x', question: 'q', answer: 'a' } });
    expect([duplicate.status, (await json(duplicate)).code]).toEqual([409, 'DUPLICATE_CONNECT_REQUEST']);

    const b = new Browser(p.baseUrl);
    const signIn = await b.go(created.pickupUrl);
    expect([signIn.status, signIn.location]).toEqual([303, `/signin?next=${encodeURIComponent(`/connect?code=${created.pickupCode}`)}`]);
    const signInPage = await b.go(signIn.location!);
    const signUpLink = unescape(/href="(\/signup\?next=[^"]+)"/.exec(signInPage.html)![1]!);
    let page = await b.submit(await b.go(signUpLink), { name: 'Sam', email: `sam-${randomUUID()}@example.org`, password: 'correct horse battery' });
    expect(page.path).toBe(`/connect?code=${created.pickupCode}`);
    expect(page.html).toContain(`value="${created.pickupCode}"`);

    page = await b.submit(page, { code: created.pickupCode.replace(/-/g, '').toLowerCase() });
    expect(page.html).toContain('Name of your first pet?');
    const ticketCookie = page.setCookies.find((c) => c.startsWith('cv_connect='))!;
    expect(ticketCookie).toMatch(/; Path=\/connect; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(page.html).not.toContain(b.jar.get('cv_connect')!.value.split('.')[1]);
    page = await b.submit(page, { answer: 'Rex' });
    expect([page.status, TRIES_LEFT.exec(page.html)?.[1]]).toEqual([400, '2']);
    page = await b.submit(page, { answer: '  rex   BELLO ' });
    expect(page.path).toBe('/connect/consent');
    expect(unescape(page.html)).toContain("Dr. Lee's clinic: Sam's record");
    expect(page.html).toMatch(/What Contoso Pharmacy needs[\s\S]*Medications[\s\S]*What you may also allow[\s\S]*Allergies/);
    page = await b.submit(page, { decision: 'approve', optional_rules: 'Allergies' });
    expect(unescape(page.html)).toContain("Contoso Pharmacy</strong> is now connected to Sam's record");
    expect(page.html).toContain('href="/apps"');
    expect(b.jar.has('cv_connect')).toBe(false);

    const list = await authorized(appToken);
    expect(list.items).toEqual([{ externalId: 'patient-4711', personId: expect.any(String), recordId: expect.any(String), grantId: expect.any(String), authorizedAt: expect.any(String) }]);
    expect(list.hasMore).toBe(false);
    expect((await authorized(appToken, list.nextCursor!)).items).toEqual([]);
    expect((await authorized(otherToken)).items).toEqual([]);
    const { personId, recordId, grantId } = list.items[0]!;
    const written = await api(appToken, `/api/v1/records/${recordId}/items`, {
      body: { resourceType: 'MedicationStatement', status: 'active', medicationCodeableConcept: { text: 'Amoxicillin 500 mg' }, subject: { reference: 'Patient/4711' } },
    });
    expect(written.status).toBe(201);
    const grants = await json<{ items: Array<Record<string, unknown>> }>(await api(appToken, '/api/v1/me/grants'));
    expect(grants.items).toEqual([expect.objectContaining({ grantId, recordId, personId, source: 'connect', state: 'active' })]);
    expect((grants.items[0]!.rules as Rule[]).map((r) => r.name).sort()).toEqual(['Allergies', 'Medications']);
    const apps = await b.go('/apps');
    if (apps.status !== 404) expect(apps.html).toContain('Contoso Pharmacy');

    const deleted = await api(appToken, '/api/v1/connect-requests/patient-4711', { method: 'DELETE' });
    expect([deleted.status, (await json(deleted)).code]).toEqual([409, 'CONNECT_REQUEST_ALREADY_AUTHORIZED']);
    const renamed = await api(appToken, '/api/v1/connect-requests/patient-4711', { method: 'PATCH', body: { newExternalId: 'patient-4711-b' } });
    expect([renamed.status, (await json(renamed)).previousExternalId]).toEqual([200, 'patient-4711']);
    expect((await authorized(appToken)).items.map((i) => i.externalId)).toEqual(['patient-4711-b']);

    let event: { type: string; data: Record<string, unknown> } | undefined;
    for (let i = 0; i < 100 && !event; i++) {
      const feed = await json<{ items: Array<{ type: string; data: Record<string, unknown> }> }>(await api(appToken, '/api/v1/events'));
      event = feed.items.find((e) => e.type === 'connect-request.authorized');
      if (!event) await new Promise((r) => setTimeout(r, 100));
    }
    expect(event?.data).toMatchObject({ appId: pharmacy.appId, externalId: 'patient-4711', personId, recordId, grantId });

    // The same code again, for another record of the same person.
    await b.submit(await b.go('/records'), { name: 'Kim', relationship: 'child' });
    page = await b.submit(await enterCode(b, created.pickupCode), { answer: 'rex bello' });
    expect(page.html).not.toMatch(/type="radio"[^>]*checked/); // two records now: the person must choose
    const kim = /id="record-([0-9a-f-]{36})"[^>]*>\s*<label[^>]*>Kim</.exec(page.html)![1]!;
    page = await b.submit(page, { decision: 'approve', record_id: kim });
    expect(page.html).toContain("is now connected to Kim's record");
    expect((await authorized(appToken, list.nextCursor!)).items).toEqual([expect.objectContaining({ externalId: 'patient-4711-b', personId, recordId: kim })]);
  });

  it('shows one message for unknown and deleted codes, and grants nothing on deny', async () => {
    const b = await signedUp('Lee');
    const unknown = await enterCode(b, Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''));
    const doomed = await createRequest('patient-deleted');
    const removed = await api(appToken, '/api/v1/connect-requests/patient-deleted', { method: 'DELETE' });
    expect([removed.status, (await json(removed)).deleted]).toEqual([200, 1]);
    const deleted = await enterCode(b, doomed.pickupCode);
    for (const page of [unknown, deleted]) expect([page.status, page.html.includes('This code is not valid. Check it and try again.')]).toEqual([400, true]);
    expect((await api(appToken, '/api/v1/connect-requests/patient-deleted', { method: 'DELETE' })).status).toBe(404);

    const before = (await authorized(appToken)).items.length;
    const pending = await createRequest('patient-denied');
    const consent = await b.submit(await enterCode(b, pending.pickupCode), { answer: 'Rex Bello' });
    const denied = await b.submit(consent, { decision: 'deny' });
    expect(denied.html).toContain('Nothing was shared');
    expect((await authorized(appToken)).items).toHaveLength(before);
  });

  it('counts exactly 3 of 20 parallel wrong answers, then locks: even the right answer fails', async () => {
    const b = await signedUp('Mallory');
    const { pickupCode } = await createRequest('patient-brute');
    const question = await enterCode(b, pickupCode);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(question.html)![1]!;
    const cookies = new Map(b.jar);
    const pages = await Promise.all(Array.from({ length: 20 }, (_, i) => b.go('/connect', { _csrf: csrf, answer: `wrong ${i}` }, cookies)));
    const left = pages.map((pg) => TRIES_LEFT.exec(pg.html)?.[1]).filter(Boolean).sort();
    expect(left).toEqual(['1', '2']);
    expect(pages.filter((pg) => LOCKED.test(pg.html))).toHaveLength(18);
    const right = await b.go('/connect', { _csrf: csrf, answer: 'Rex Bello' }, cookies);
    expect([right.status, LOCKED.test(right.html)]).toEqual([429, true]);
    expect((await enterCode(b, pickupCode)).html).toContain('This code is not valid.');
  });

  it('finds nothing with 1,000 guessed codes: the entries are rate-limited', async () => {
    const b = await signedUp('Eve');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await b.go('/connect')).html)![1]!;
    const guess = () => Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    let hits = 0;
    let limited = 0;
    for (let batch = 0; batch < 20; batch++) {
      const pages = await Promise.all(Array.from({ length: 50 }, () => b.go('/connect', { _csrf: csrf, code: guess() })));
      hits += pages.filter((pg) => pg.status === 200).length;
      limited += pages.filter((pg) => pg.status === 429 && pg.html.includes('Too many tries; wait a few minutes')).length;
    }
    expect(hits).toBe(0);
    expect(limited).toBeGreaterThan(950);
  }, 120_000);
});
