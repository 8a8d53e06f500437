import type { RegisterApplicationResponse } from '@carevault/contracts';
import { type RunningPlatform, freePort, startPlatform, stopChild, waitForPort } from '@carevault/testing';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as client from 'openid-client';
import { type Browser, type Page, chromium } from 'playwright-core';

// Clinic Portal (examples/clinic-portal) end to end in Debian's Chromium: a person signs up on Carevault,
// lets a pharmacy add medications offline, connects the portal (code + PKCE through openid-client in the
// portal's own process), leaves the optional allergies rule unticked, sees the medications and a 403
// for allergies, signs out of Carevault, and the portal's next fetch gets a 401.

const ROOT = join(__dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const insecure = { execute: [client.allowInsecureRequests], algorithm: 'oauth2' as const };

const medication = (text: string, effectiveDateTime: string) => ({
  resourceType: 'MedicationStatement',
  status: 'active',
  medicationCodeableConcept: { text },
  subject: { reference: 'Patient/example' },
  effectiveDateTime,
});

describe('Clinic Portal in a browser (system)', () => {
  let p: RunningPlatform;
  let portal: ChildProcess;
  let portalUrl: string;
  let browser: Browser;
  let page: Page;
  let pharmacySite: Server;
  let pharmacyRedirect: string;

  const admin = async (body: object): Promise<RegisterApplicationResponse> => {
    const res = await fetch(`${p.baseUrl}/api/v1/admin/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
    return (await res.json()) as RegisterApplicationResponse;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Debian's Chromium is not installed at ${CHROMIUM}: apt-get install chromium (CI installs it). This browser test fails rather than skips.`);
    }
    p = await startPlatform();
    // The pharmacy's web site: only its OAuth callback, which the browser comes back to.
    const pharmacyPort = await freePort();
    pharmacyRedirect = `http://localhost:${pharmacyPort}/callback`;
    pharmacySite = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Corner Pharmacy: thank you</p>'));
    await new Promise<void>((resolve) => pharmacySite.listen(pharmacyPort, '127.0.0.1', resolve));
    const port = await freePort();
    // Another host name than Carevault's 127.0.0.1, so the two sites keep their cookies apart.
    portalUrl = `http://localhost:${port}`;
    const base = { PATH: process.env.PATH ?? '', CAREVAULT_URL: p.baseUrl, PUBLIC_URL: portalUrl };
    const registered = await promisify(execFile)(process.execPath, [join(ROOT, 'examples/clinic-portal/register.mjs')], { env: { ...base, ADMIN_TOKEN: p.adminToken } });
    const creds = Object.fromEntries(registered.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(creds.CLIENT_ID).toBeTruthy();
    expect(creds.CLIENT_SECRET).toBeTruthy();

    portal = spawn(process.execPath, [join(ROOT, 'examples/clinic-portal/server.mjs')], {
      env: { ...base, CLIENT_ID: creds.CLIENT_ID, CLIENT_SECRET: creds.CLIENT_SECRET, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(p.logsDir, 'clinic-portal.log'));
    portal.stdout!.pipe(log);
    portal.stderr!.pipe(log);
    await waitForPort(port);

    // Playwright adds --headless, --no-sandbox (chromiumSandbox is false), --no-first-run,
    // --disable-background-networking, --disable-component-update and a fresh --user-data-dir itself;
    // the machine's full list is given all the same (repeats are harmless), with what it does not add.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (portal) await stopChild(portal);
    pharmacySite?.close();
    await p?.stop();
  });

  it('the person signs up and lets a pharmacy add medications to their record offline', async () => {
    await page.goto(`${p.baseUrl}/signup`);
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email address').fill('ada@example.org');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${p.baseUrl}/records`);

    // The pharmacy (this test and its one-page site) sends the person to Carevault for consent.
    const pharmacy = await admin({
      name: 'Corner Pharmacy',
      kind: 'web',
      redirectUris: [pharmacyRedirect],
      rules: [{ name: 'dispensed', reason: 'To add what we dispense to your record', dataTypes: ['MedicationStatement'], permissions: ['create'], mode: 'offline', required: true }],
    });
    const config = await client.discovery(new URL(p.baseUrl), pharmacy.clientId, undefined, client.ClientSecretBasic(pharmacy.clientSecret!), insecure);
    const state = client.randomState();
    const challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
    await page.goto(client.buildAuthorizationUrl(config, { redirect_uri: pharmacyRedirect, state, code_challenge: challenge, code_challenge_method: 'S256' }).href);
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL(`${pharmacyRedirect}?**`);
    expect(new URL(page.url()).searchParams.get('state')).toBe(state);

    const { access_token: offline } = await client.clientCredentialsGrant(config);
    const api = (path: string, init: RequestInit = {}) => fetch(`${p.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${offline}`, 'content-type': 'application/json' } });
    const grants = (await (await api('/api/v1/me/grants')).json()) as { items: { recordId: string }[] };
    expect(grants.items).toHaveLength(1);
    for (const m of [medication('Lisinopril 10 mg tablet', '2026-10-01T09:00:00Z'), medication('Amoxicillin 500 mg capsule', '2026-11-02T09:00:00Z')]) {
      const res = await api(`/api/v1/records/${grants.items[0]!.recordId}/items`, { method: 'POST', body: JSON.stringify(m) });
      expect(res.status).toBe(201);
    }
  });

  it('connects the portal with allergies left unticked: medications shown, allergies not permitted (403)', async () => {
    await page.goto(portalUrl);
    await page.getByRole('link', { name: 'Connect your Carevault record' }).click();
    await page.waitForURL(`${p.baseUrl}/oauth/interaction/**`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Allow Clinic Portal?');
    await expect(page.getByLabel('allergies').isChecked()).resolves.toBe(false);
    await expect(page.getByLabel('notes').isChecked()).resolves.toBe(false);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'consent-page.png'), fullPage: true });
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL(`${portalUrl}/`);

    const meds = (await page.locator('#medications li').allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    expect(meds).toEqual(['Amoxicillin 500 mg capsule (active, since 2026-11-02)', 'Lisinopril 10 mg tablet (active, since 2026-10-01)']);
    await expect(page.locator('#medications').getAttribute('data-status')).resolves.toBe('200');
    await expect(page.locator('#allergies').getAttribute('data-status')).resolves.toBe('403');
    await expect(page.locator('#allergies').textContent()).resolves.toContain('Not permitted (403)');
    await page.screenshot({ path: join(ARTIFACTS, 'clinic-portal.png'), fullPage: true });
    // Connected already, the consent page shows again only when asked for (prompt=consent).
    await page.getByRole('link', { name: 'Ask Carevault again' }).click();
    await page.waitForURL(`${p.baseUrl}/oauth/interaction/**`);
    await expect(page.getByLabel('allergies').isChecked()).resolves.toBe(false);
    // The token stays on the portal's server: the browser holds only an opaque session id.
    const cookies = await page.context().cookies(portalUrl);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.value.length])).toEqual([['clinic_portal_sid', true, 43]]);
  });

  it("after the person signs out of Carevault, the portal's next fetch says so (401)", async () => {
    await page.goto(`${p.baseUrl}/records`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${p.baseUrl}/signin`);

    await page.goto(portalUrl);
    await expect(page.locator('#signed-out').textContent()).resolves.toBe('You signed out of Carevault (401) — connect again.');
    await expect(page.locator('#medications').count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Connect your Carevault record' }).count()).resolves.toBe(1);
  });
});
