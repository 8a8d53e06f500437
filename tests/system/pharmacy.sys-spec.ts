import { IdentityCmd } from '@carevault/contracts';
import { RpcClient, connectNats } from '@carevault/platform';
import { type RunningPlatform, freePort, startPlatform } from '@carevault/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { Client } from 'pg';
// The gateway's browser-like test helpers (cookie jar, forms, code + PKCE flow), reused rather than copied;
// they belong in libs/testing once more than these suites need them.
import { type Page, REDIRECT, WebClient, authorizationRequest, insecure, isConsentPage, oauthPost, openAuthorize, signUp } from '@carevault/testing';

// Issue 4 end to end: the example pharmacy (examples/pharmacy, run as `node examples/pharmacy/run.mjs`
// the way its README says) registered through the operator API, a person who authorizes it through
// the real OAuth code flow, webhooks both ways, revocation on /apps and leaving a record.

const RUN = join(__dirname, '../../examples/pharmacy/run.mjs');
type LogLine = Record<string, unknown> & { msg: string };

/** `node examples/pharmacy/run.mjs --register`: the KEY=value lines it prints. */
function registerPharmacy(env: Record<string, string>): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [RUN, '--register'], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`--register failed: ${stderr}`));
      resolve(Object.fromEntries(stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
    });
  });
}

/** The pharmacy as its own process, its JSON log lines collected (and copied to the platform's logs). */
class PharmacyProcess {
  readonly lines: LogLine[] = [];
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string>, logFile: string): Promise<PharmacyProcess> {
    const child = spawn(process.execPath, [RUN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const sut = new PharmacyProcess(child, `http://${env.HOST}:${env.PORT}`);
    const log = createWriteStream(logFile);
    child.stderr!.pipe(log);
    let rest = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      for (const line of parts) if (line.startsWith('{')) sut.lines.push(JSON.parse(line) as LogLine);
    });
    await sut.waitFor((l) => l.msg === 'pharmacy listening');
    return sut;
  }

  /** The first log line (from now or earlier) that matches. */
  async waitFor(match: (l: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      const found = this.lines.find(match);
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`the pharmacy exited (${this.child.exitCode})`);
    }
    throw new Error(`the pharmacy did not log what was expected; its last lines: ${JSON.stringify(this.lines.slice(-5))}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

const decoded = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('pharmacy example against the platform (system)', () => {
  let p: RunningPlatform;
  let nc: NatsConnection;
  let rpc: RpcClient;
  let sql: Client;
  let stateDir: string;
  let pharmacy: PharmacyProcess;
  let settings: Record<string, string>;
  let config: client.Configuration;
  let web: WebClient;
  let personId: string;
  let first: client.TokenEndpointResponse;

  beforeAll(async () => {
    p = await startPlatform({ serviceEnv: { 'partner-push': { WEBHOOK_BACKOFF_BASE_MS: '200', WEBHOOK_BACKOFF_CAP_MS: '2000' } } });
    nc = await connectNats(p.natsUrl, 'pharmacy-sys-test');
    rpc = new RpcClient(nc, 15_000);
    sql = new Client({ connectionString: p.databaseUrl });
    await sql.connect();
    stateDir = mkdtempSync(join(tmpdir(), 'cv-pharmacy-'));
    const port = await freePort();
    const pharmacyUrl = `http://127.0.0.1:${port}`;
    settings = await registerPharmacy({ CAREVAULT_URL: p.baseUrl, ADMIN_TOKEN: p.adminToken, PORT: String(port), PHARMACY_URL: pharmacyUrl, REDIRECT_URIS: `${REDIRECT},${pharmacyUrl}/callback` });
    expect(settings).toMatchObject({ CAREVAULT_URL: p.baseUrl, PORT: String(port), PHARMACY_URL: pharmacyUrl, WEBHOOK_SECRET: expect.stringMatching(/^whsec_/) });
    pharmacy = await PharmacyProcess.start({ ...settings, HOST: '127.0.0.1', STATE_FILE: join(stateDir, 'state.json') }, join(p.logsDir, 'pharmacy.log'));
    config = await client.discovery(new URL(p.baseUrl), settings.CLIENT_ID!, undefined, client.ClientSecretBasic(settings.CLIENT_SECRET!), insecure);
    web = new WebClient(p.baseUrl);
    await signUp(web, { email: `sam-${randomUUID().slice(0, 8)}@example.org`, password: 'correct horse battery', name: 'Sam' });
    personId = (await rpc.request(IdentityCmd.ResolveSession, { token: web.cookie('cv_session')! })).person.id;
  }, 180_000);

  afterAll(async () => {
    await pharmacy?.stop();
    await sql?.end().catch(() => undefined);
    await nc?.close();
    await p?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  /** The person authorizes the pharmacy through the code flow, allowing its optional online rule too; the app's tokens. */
  async function authorize(extra: Record<string, string> = {}): Promise<client.TokenEndpointResponse> {
    const auth = await authorizationRequest(config, extra);
    const page = await openAuthorize(web, auth.url);
    expect(isConsentPage(page)).toBe(true);
    expect(page.html).toContain('Dispensed medicines');
    const back = await web.submit(page, { decision: 'approve', optional_rules: ['Medication list'] }, { stopAt: REDIRECT });
    return client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: auth.verifier, expectedState: auth.state });
  }

  const api = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${p.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
  const statement = { resourceType: 'MedicationStatement', status: 'active', medicationCodeableConcept: { text: 'Test' }, subject: { reference: 'Patient/1' } };
  const offlineToken = async () => String((await oauthPost(p.baseUrl, '/oauth/token', { grant_type: 'client_credentials' }, { id: settings.CLIENT_ID!, secret: settings.CLIENT_SECRET! })).body.access_token);
  /** A second custodian of the record: no feature adds one yet, so straight into identity's table. */
  const addCustodian = async (recordId: string) => {
    const other = await rpc.request(IdentityCmd.SignUp, { email: `alex-${randomUUID().slice(0, 8)}@example.org`, password: 'correct horse battery', name: 'Alex' });
    await sql.query(`INSERT INTO identity.custodians (record_id, person_id) VALUES ($1, $2)`, [recordId, other.person.id]);
  };
  const addRecord = async (name: string): Promise<string> => {
    await web.submit(await web.request('/records'), { name, relationship: 'child' }, { actionPart: '/records', stopAt: p.baseUrl });
    return (await rpc.request(IdentityCmd.ListRecords, { personId })).items.find((r) => r.name === name)!.id;
  };

  it('grant.created by webhook → the pharmacy pushes a MedicationStatement offline; it is in the record', async () => {
    const tokens = (first = await authorize());
    expect(tokens.scope).toBe('patient/MedicationStatement.cr');
    const recordId = String(tokens.record_id);
    const linked = await pharmacy.waitFor((l) => l.msg === 'record linked' && l.recordId === recordId);
    expect(linked).toMatchObject({ type: 'grant.created', grantId: tokens.grant_id });
    const pushed = pharmacy.lines.find((l) => l.msg === 'pushed a MedicationStatement' && l.recordId === recordId)!;
    expect(pushed).toMatchObject({ mode: 'offline' });

    const res = await api(tokens.access_token, `/api/v1/records/${recordId}/items/${String(pushed.itemId)}`);
    expect(res.status).toBe(200);
    const item = (await res.json()) as { type: string; created: { mode: string; appId: string }; resource: { medicationCodeableConcept: { text: string } } };
    expect(item).toMatchObject({ type: 'MedicationStatement', created: { mode: 'offline', appId: settings.APP_ID } });
    expect(item.resource.medicationCodeableConcept.text).toMatch(/Amoxicillin/);
    expect(await (await fetch(`${pharmacy.url}/records`)).json()).toMatchObject({ items: [{ recordId, grantId: tokens.grant_id }] });
  });

  it('revoked on /apps (CSRF form): the next call with any of its tokens is 404, the pharmacy gets grant.revoked', async () => {
    const tokens = first;
    const recordId = String(tokens.record_id);
    const offline = await offlineToken();
    expect((await api(offline, `/api/v1/records/${recordId}/items`, { method: 'POST', body: JSON.stringify(statement) })).status).toBe(201);

    const apps = await web.request('/apps');
    expect(apps.status).toBe(200);
    expect(decoded(apps.html)).toContain("Sam's record");
    expect(apps.html).toContain('Contoso Pharmacy');
    expect(apps.html).toContain('may add medication statements');
    const form = web.form(apps, '/apps/revoke');
    expect(form.fields).toMatchObject({ grant_id: tokens.grant_id, _csrf: expect.any(String) });
    const after: Page = await web.submit(apps, {}, { actionPart: '/apps/revoke' });
    expect(after.url.pathname).toBe('/apps');
    expect(decoded(after.html)).toContain("Contoso Pharmacy can no longer use Sam's record.");
    expect(after.html).not.toContain(String(tokens.grant_id));

    // The very next calls: the pharmacy's own (its cached application token), a fresh offline token, the online token.
    const dispensed = await fetch(`${pharmacy.url}/dispense`, { method: 'POST', body: JSON.stringify({ recordId }) });
    expect(await dispensed.json()).toEqual({ carevaultStatus: 404 });
    expect((await api(offline, `/api/v1/records/${recordId}/items`, { method: 'POST', body: JSON.stringify(statement) })).status).toBe(404);
    expect((await api(await offlineToken(), `/api/v1/records/${recordId}/items`, { method: 'POST', body: JSON.stringify(statement) })).status).toBe(404);
    expect((await api(tokens.access_token, `/api/v1/records/${recordId}/items`)).status).toBe(404);

    await pharmacy.waitFor((l) => l.type === 'grant.revoked' && l.grantId === tokens.grant_id);
  });

  it("authorizing again through the pharmacy's own button (/connect → consent → /callback): online, it sees the medication list", async () => {
    const recordId = String(first.record_id);
    const consent = await web.follow(`${pharmacy.url}/connect?record_id=${recordId}`);
    expect(isConsentPage(consent)).toBe(true);
    const back = await web.submit(consent, { decision: 'approve', optional_rules: ['Medication list'] });
    expect(back.url.href.startsWith(`${pharmacy.url}/callback?`)).toBe(true);
    expect(back.status).toBe(200);
    expect(back.html).toContain('Your Carevault record is connected');
    expect(back.html).toMatch(/<h2>Your medication list<\/h2><ul><li>[^<]*Amoxicillin/);
    // A new grant after the revocation: the pharmacy links the record again and pushes again.
    await pharmacy.waitFor((l) => l.msg === 'record linked' && l.recordId === recordId && l.grantId !== first.grant_id);
  });

  it('a person who leaves a record (/records → confirm) takes their grants there: 404 at once and grant.revoked', async () => {
    const kimId = await addRecord('Kim');
    await addCustodian(kimId);
    const tokens = await authorize({ record_id: kimId });
    expect(tokens.record_id).toBe(kimId);
    await pharmacy.waitFor((l) => l.msg === 'record linked' && l.recordId === kimId);

    const records = await web.request('/records');
    const confirm = await web.request(`/records/leave?record_id=${kimId}`);
    expect(records.html).toContain(`/records/leave?record_id=${kimId}`);
    expect(decoded(confirm.html)).toContain('The applications you authorized on it lose access at once');
    const done = await web.submit(confirm, {}, { actionPart: '/records/leave' });
    expect(decoded(done.html)).toContain("You are no longer a custodian of Kim's record. Contoso Pharmacy can no longer use it.");

    const dispensed = await fetch(`${pharmacy.url}/dispense`, { method: 'POST', body: JSON.stringify({ recordId: kimId }) });
    expect(await dispensed.json()).toEqual({ carevaultStatus: 404 });
    await pharmacy.waitFor((l) => l.type === 'grant.revoked' && l.grantId === tokens.grant_id);
    const custodians = await sql.query(`SELECT person_id FROM identity.custodians WHERE record_id = $1`, [kimId]);
    expect(custodians.rows).toHaveLength(1);
  });

  it('leaving through identity alone (no page): consent\'s durable consumer revokes the grants from custodian-removed', async () => {
    const leoId = await addRecord('Leo');
    await addCustodian(leoId);
    const tokens = await authorize({ record_id: leoId });
    await pharmacy.waitFor((l) => l.msg === 'record linked' && l.recordId === leoId);
    const offline = await offlineToken();
    expect((await api(offline, `/api/v1/records/${leoId}/items`, { method: 'POST', body: JSON.stringify(statement) })).status).toBe(201);

    await rpc.request(IdentityCmd.RemoveCustodian, { personId, recordId: leoId });
    await pharmacy.waitFor((l) => l.type === 'grant.revoked' && l.grantId === tokens.grant_id);
    expect((await api(offline, `/api/v1/records/${leoId}/items`, { method: 'POST', body: JSON.stringify(statement) })).status).toBe(404);
    const grant = await sql.query<{ state: string; revoked_reason: string }>(`SELECT state, revoked_reason FROM consent.grants WHERE id = $1`, [tokens.grant_id]);
    expect(grant.rows[0]).toEqual({ state: 'revoked', revoked_reason: 'custodian removed' });
  });

  it('refuses a webhook URL that is not http(s) or carries credentials (400 naming webhookUrl)', async () => {
    for (const webhookUrl of ['ftp://pharmacy.example/hook', 'http://user:secret@pharmacy.example/hook', 'javascript:alert(1)', 'not a url']) {
      const res = await fetch(`${p.baseUrl}/api/v1/admin/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bad Pharmacy', kind: 'web', redirectUris: [REDIRECT], webhookUrl, rules: [{ name: 'x', reason: 'y', dataTypes: ['MedicationStatement'], permissions: ['create'], mode: 'offline', required: true }] }),
      });
      expect({ webhookUrl, status: res.status }).toEqual({ webhookUrl, status: 400 });
      const body = (await res.json()) as { code: string; errors: Array<{ field: string }> };
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.errors.map((e) => e.field)).toEqual(['webhookUrl']);
    }
  });
});
