import { AccessMode, ConsentCmd, Permission, type RegisterApplicationResponse } from '@carevault/contracts';
import { RpcClient, connectNats } from '@carevault/platform';
import { type RunningPlatform, startPlatform } from '@carevault/testing';
import { Client } from 'pg';
import * as jose from 'jose';
import * as client from 'openid-client';
import { type Page, REDIRECT, WebClient, authorizationRequest, insecure, oauthPost, openAuthorize, registerApp, signUp } from '@carevault/testing';

// Tokens end to end: the RFC 8628 device flow on our pages, rotating refresh tokens (reuse and races),
// client_credentials, introspection and revocation of JWT access tokens, sign-out ending online tokens.

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('OAuth tokens (system)', () => {
  let p: RunningPlatform;
  let web: RegisterApplicationResponse;
  let device: RegisterApplicationResponse;
  let browser: WebClient;
  let deviceConfig: client.Configuration;
  let jwks: ReturnType<typeof jose.createRemoteJWKSet>;
  const basic = () => ({ id: web.clientId, secret: web.clientSecret! });
  const refresh = (token: string) => oauthPost(p.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: token, client_id: device.clientId });

  /** The person's side of the device flow: code entry, confirmation, (consent,) success. */
  async function approveDevice(userCode: string, verificationUri: string): Promise<Page> {
    let page = await browser.follow(verificationUri);
    // verification_uri_complete answers oidc-provider's auto-submitting form (a script posts it); a browser without script shows its button.
    if (page.html.includes('Submitting Callback')) page = await browser.submit(page, {});
    else {
      expect(page.html).toContain('Code from your device');
      page = await browser.submit(page, { user_code: userCode });
    }
    expect(page.html).toContain('asks to connect with the code');
    page = await browser.submit(page, {});
    if (page.html.includes('name="decision"')) page = await browser.submit(page, { decision: 'approve' });
    return page;
  }

  async function deviceTokens() {
    const da = await client.initiateDeviceAuthorization(deviceConfig, { instance_name: 'Kitchen tablet' });
    const page = await approveDevice(da.user_code, da.verification_uri_complete!);
    expect(page.html).toContain('Device connected');
    return client.pollDeviceAuthorizationGrant(deviceConfig, { ...da, interval: 0.01 });
  }

  beforeAll(async () => {
    p = await startPlatform();
    const rules = [
      { name: 'Medications', reason: 'Refills', dataTypes: ['MedicationStatement'], permissions: [Permission.Read], mode: AccessMode.Online, required: true },
      { name: 'Sync', reason: 'Nightly sync', dataTypes: ['MedicationStatement'], permissions: [Permission.Create], mode: AccessMode.Offline, required: true },
    ];
    web = await registerApp(p.baseUrl, p.adminToken, { name: 'Contoso Pharmacy', kind: 'web', rules });
    device = await registerApp(p.baseUrl, p.adminToken, {
      name: 'Fabrikam Scale',
      kind: 'device',
      rules: [{ name: 'Weight', reason: 'Records your weight', dataTypes: ['Observation'], permissions: [Permission.Create, Permission.Read], mode: AccessMode.Offline, required: true }],
    });
    deviceConfig = await client.discovery(new URL(p.baseUrl), device.clientId, undefined, client.None(), insecure);
    jwks = jose.createRemoteJWKSet(new URL(`${p.baseUrl}/oauth/jwks`));
    browser = new WebClient(p.baseUrl);
    await signUp(browser, { email: 'linus@example.org', password: 'a long enough password', name: 'Linus' });
  }, 180_000);

  afterAll(async () => {
    await p?.stop();
  });

  it('device flow: pending until the person approves on /device, then tokens with record, grant and instance', async () => {
    const da = await client.initiateDeviceAuthorization(deviceConfig, {});
    expect(da).toMatchObject({ verification_uri: `${p.baseUrl}/device`, expires_in: 600 });
    const pending = await oauthPost(p.baseUrl, '/oauth/token', { grant_type: DEVICE_GRANT, device_code: da.device_code, client_id: device.clientId });
    expect(pending.body.error).toBe('authorization_pending');
    const page = await approveDevice(da.user_code, da.verification_uri);
    expect(page.html).toContain('Device connected');
    const tokens = await client.pollDeviceAuthorizationGrant(deviceConfig, { ...da, interval: 0.01 });
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 600, scope: 'patient/Observation.cr' });
    expect(tokens.instance_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof tokens.refresh_token).toBe('string');
    const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: p.baseUrl, audience: `${p.baseUrl}/api`, typ: 'at+jwt' });
    expect(payload).toMatchObject({ cv_mode: 'offline', app_id: device.appId, client_id: device.clientId, record_id: tokens.record_id, grant_id: tokens.grant_id, instance_id: tokens.instance_id });
    expect(payload.person_id).toBe(payload.sub);
    expect(payload.sid).toBeUndefined();
  });

  it('10 parallel refreshes with one refresh token: exactly one succeeds, the others get invalid_grant', async () => {
    const tokens = await deviceTokens();
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(tokens.refresh_token!)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400 && a.body.error === 'invalid_grant')).toHaveLength(9);
  });

  it('refresh rotates; reusing an old refresh token revokes the whole chain', async () => {
    const tokens = await deviceTokens();
    const r1 = await refresh(tokens.refresh_token!);
    expect(r1).toMatchObject({ status: 200, body: { record_id: tokens.record_id, grant_id: tokens.grant_id } });
    expect(r1.body.refresh_token).not.toBe(tokens.refresh_token);
    // Within REFRESH_REUSE_GRACE_SECONDS (1 s under startPlatform) a repeat is a concurrent duplicate: refused, chain kept.
    expect(await refresh(tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await new Promise((r) => setTimeout(r, 1100));
    const reuse = await refresh(tokens.refresh_token!);
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const newest = await refresh(String(r1.body.refresh_token));
    expect(newest).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('identity keeps the device grant for a year; a revoked consent grant ends refreshing', async () => {
    const tokens = await deviceTokens();
    const pg = new Client({ connectionString: p.databaseUrl });
    await pg.connect();
    const { rows } = await pg.query<{ days: number }>(`SELECT max(extract(epoch FROM expires_at - now()) / 86400)::int AS days FROM identity.oauth_objects WHERE model = 'Grant'`);
    await pg.end();
    expect(rows[0]!.days).toBeGreaterThanOrEqual(364);
    const nc = await connectNats(p.natsUrl, 'oauth-tokens-test');
    try {
      await new RpcClient(nc, 10_000).request(ConsentCmd.RevokeGrant, { grantId: String(tokens.grant_id), personId: String(tokens.person_id ?? (jose.decodeJwt(tokens.access_token).person_id as string)) });
    } finally {
      await nc.close();
    }
    expect(await refresh(tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('client_credentials: an offline application token without person or record', async () => {
    const config = await client.discovery(new URL(p.baseUrl), web.clientId, undefined, client.ClientSecretBasic(web.clientSecret!), insecure);
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.expires_in).toBe(600);
    const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: p.baseUrl, audience: `${p.baseUrl}/api`, typ: 'at+jwt' });
    expect(payload).toMatchObject({ cv_mode: 'offline', app_id: web.appId, client_id: web.clientId, sub: web.clientId, scope: 'system/MedicationStatement.c' });
    expect(payload.person_id).toBeUndefined();
    const wrong = await oauthPost(p.baseUrl, '/oauth/token', { grant_type: 'client_credentials' }, { id: web.clientId, secret: 'cvs_wrong' });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('introspection and revocation of JWT access tokens; sign-out ends online tokens (at the partner API too)', async () => {
    const config = await client.discovery(new URL(p.baseUrl), web.clientId, undefined, client.ClientSecretBasic(web.clientSecret!), insecure);
    const online = async () => {
      const auth = await authorizationRequest(config);
      let page = await openAuthorize(browser, auth.url);
      if (!page.location) page = await browser.submit(page, { decision: 'approve' }, { stopAt: REDIRECT });
      return client.authorizationCodeGrant(config, page.location!, { pkceCodeVerifier: auth.verifier, expectedState: auth.state });
    };
    const a = await online();
    const active = await oauthPost(p.baseUrl, '/oauth/introspect', { token: a.access_token }, basic());
    expect(active.body).toMatchObject({ active: true, cv_mode: 'online', record_id: a.record_id, client_id: web.clientId });
    const foreign = await oauthPost(p.baseUrl, '/oauth/revoke', { token: a.access_token, client_id: device.clientId });
    expect(foreign.status).toBe(200);
    expect((await oauthPost(p.baseUrl, '/oauth/introspect', { token: a.access_token }, basic())).body.active).toBe(true);
    expect((await oauthPost(p.baseUrl, '/oauth/revoke', { token: a.access_token }, basic())).status).toBe(200);
    expect((await oauthPost(p.baseUrl, '/oauth/introspect', { token: a.access_token }, basic())).body).toEqual({ active: false });

    const b = await online();
    const permissions = () => fetch(`${p.baseUrl}/api/v1/records/${b.record_id}/permissions`, { headers: { authorization: `Bearer ${b.access_token}` } });
    expect((await permissions()).status).toBe(200);
    expect((await oauthPost(p.baseUrl, '/oauth/introspect', { token: b.access_token }, basic())).body.active).toBe(true);
    const records = await browser.request('/records');
    await browser.submit(records, {}, { actionPart: '/signout', stopAt: p.baseUrl });
    expect((await oauthPost(p.baseUrl, '/oauth/introspect', { token: b.access_token }, basic())).body).toEqual({ active: false });
    expect((await permissions()).status).toBe(401);
  });
});
