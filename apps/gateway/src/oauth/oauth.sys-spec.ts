import { AccessMode, Permission, type RegisterApplicationResponse, type Rule } from '@carevault/contracts';
import { type RunningPlatform, startPlatform } from '@carevault/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jose from 'jose';
import * as client from 'openid-client';
import { REDIRECT, WebClient, authorizationRequest, insecure, isConsentPage, oauthPost, openAuthorize, registerApp, signUp } from '@carevault/testing';

// The OAuth 2.0 authorization server end to end: every service as its own process, our sign-up and
// consent pages driven like a browser, openid-client 6 as the partner application.

const rules: Rule[] = [
  { name: 'Medications', reason: 'To keep your medication list current', dataTypes: ['MedicationStatement'], permissions: [Permission.Read, Permission.Create], mode: AccessMode.Online, required: true },
  { name: 'Allergies', reason: 'To warn you about allergies', dataTypes: ['AllergyIntolerance'], permissions: [Permission.Read], mode: AccessMode.Offline, required: false },
];

describe('OAuth authorization server (system)', () => {
  let p: RunningPlatform;
  let app: RegisterApplicationResponse;
  let config: client.Configuration;
  let web: WebClient;
  let jwks: ReturnType<typeof jose.createRemoteJWKSet>;
  let first: { code: string; verifier: string; accessToken: string; grantId: string; recordId: string };
  const basic = () => ({ id: app.clientId, secret: app.clientSecret! });

  beforeAll(async () => {
    p = await startPlatform();
    app = await registerApp(p.baseUrl, p.adminToken, { name: 'Contoso Pharmacy', description: 'Refills and reminders', kind: 'web', rules });
    config = await client.discovery(new URL(p.baseUrl), app.clientId, undefined, client.ClientSecretBasic(app.clientSecret!), insecure);
    jwks = jose.createRemoteJWKSet(new URL(`${p.baseUrl}/oauth/jwks`));
    web = new WebClient(p.baseUrl);
    await signUp(web, { email: 'ada@example.org', password: 'correct horse battery', name: 'Ada Lovelace' });
  }, 180_000);

  afterAll(async () => {
    await p?.stop();
  });

  it('publishes RFC 8414 metadata listing every endpoint', async () => {
    const meta = (await (await fetch(`${p.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      issuer: p.baseUrl,
      authorization_endpoint: `${p.baseUrl}/oauth/authorize`,
      token_endpoint: `${p.baseUrl}/oauth/token`,
      revocation_endpoint: `${p.baseUrl}/oauth/revoke`,
      introspection_endpoint: `${p.baseUrl}/oauth/introspect`,
      device_authorization_endpoint: `${p.baseUrl}/oauth/device_authorization`,
      jwks_uri: `${p.baseUrl}/oauth/jwks`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code']));
    expect(meta.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']));
  });

  it('code + PKCE: sign-in session, consent page, tokens with our fields and claims', async () => {
    const auth = await authorizationRequest(config);
    const page = await openAuthorize(web, auth.url);
    expect(isConsentPage(page)).toBe(true);
    expect(page.html).toContain('Contoso Pharmacy');
    mkdirSync(join(__dirname, '../../../../test-artifacts'), { recursive: true });
    writeFileSync(join(__dirname, '../../../../test-artifacts/consent-page.html'), page.html);
    const back = await web.submit(page, { decision: 'approve', optional_rules: ['Allergies'] }, { stopAt: REDIRECT });
    expect(back.location?.href.startsWith(REDIRECT)).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: auth.verifier, expectedState: auth.state });
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 900, scope: 'patient/AllergyIntolerance.r patient/MedicationStatement.cr' });
    expect(tokens.refresh_token).toBeUndefined();
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: p.baseUrl, audience: `${p.baseUrl}/api`, typ: 'at+jwt', algorithms: ['ES256'] });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      client_id: app.clientId,
      app_id: app.appId,
      cv_mode: 'online',
      sub: tokens.person_id,
      person_id: tokens.person_id,
      record_id: tokens.record_id,
      grant_id: tokens.grant_id,
      scope: tokens.scope,
    });
    expect(typeof payload.sid).toBe('string');
    expect(typeof payload.jti).toBe('string');
    first = { code: back.location!.searchParams.get('code')!, verifier: auth.verifier, accessToken: tokens.access_token, grantId: String(tokens.grant_id), recordId: String(tokens.record_id) };
  });

  it('a code is single-use: replay → invalid_grant, and the token it gave is revoked', async () => {
    const replay = await oauthPost(p.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: first.code, redirect_uri: REDIRECT, code_verifier: first.verifier }, basic());
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const introspected = await oauthPost(p.baseUrl, '/oauth/introspect', { token: first.accessToken }, basic());
    expect(introspected.body).toEqual({ active: false });
  });

  it('skips the consent page when the grant covers the required rules; a wrong verifier → invalid_grant', async () => {
    const auth = await authorizationRequest(config);
    const back = await openAuthorize(web, auth.url);
    expect(back.location?.searchParams.get('state')).toBe(auth.state);
    const code = back.location!.searchParams.get('code')!;
    const wrong = await oauthPost(p.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: client.randomPKCECodeVerifier() }, basic());
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a redirect_uri that differs from the one of the code → invalid_grant; client_secret_post works', async () => {
    const auth = await authorizationRequest(config);
    const code = (await openAuthorize(web, auth.url)).location!.searchParams.get('code')!;
    const other = await oauthPost(p.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: `${REDIRECT}/other`, code_verifier: auth.verifier, client_id: app.clientId, client_secret: app.clientSecret! });
    expect(other).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const auth2 = await authorizationRequest(config);
    const code2 = (await openAuthorize(web, auth2.url)).location!.searchParams.get('code')!;
    const ok = await oauthPost(p.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT, code_verifier: auth2.verifier, client_id: app.clientId, client_secret: app.clientSecret! });
    expect(ok).toMatchObject({ status: 200, body: { record_id: first.recordId, grant_id: first.grantId } });
  });

  it('an unregistered redirect_uri gets an error page and no redirect', async () => {
    for (const bad of [`${REDIRECT}/`, `${REDIRECT}?x=1`, 'https://evil.example/callback']) {
      const auth = await authorizationRequest(config, { redirect_uri: bad });
      const res = await web.request(auth.url);
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.html).toContain('invalid_redirect_uri');
    }
  });

  it('refuses code_challenge_method=plain and a missing code_challenge with invalid_request (state kept)', async () => {
    const plain = await web.request(`${p.baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: REDIRECT, state: 's1', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })}`);
    expect(Object.fromEntries(plain.location!.searchParams)).toMatchObject({ error: 'invalid_request', state: 's1' });
    const none = await web.request(`${p.baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: REDIRECT, state: 's2' })}`);
    expect(Object.fromEntries(none.location!.searchParams)).toMatchObject({ error: 'invalid_request', state: 's2' });
  });

  it('prompt=consent shows the page again; deny → access_denied with state', async () => {
    const auth = await authorizationRequest(config, { prompt: 'consent' });
    const page = await openAuthorize(web, auth.url);
    expect(isConsentPage(page)).toBe(true);
    const back = await web.submit(page, { decision: 'deny' }, { stopAt: REDIRECT });
    expect(Object.fromEntries(back.location!.searchParams)).toMatchObject({ error: 'access_denied', state: auth.state });
  });

  it('not signed in: /signin?next=<interaction>, then back to the consent flow', async () => {
    const stranger = new WebClient(p.baseUrl);
    const auth = await authorizationRequest(config);
    const signin = await openAuthorize(stranger, auth.url);
    expect(signin.url.pathname).toBe('/signin');
    const next = signin.url.searchParams.get('next')!;
    expect(next).toMatch(/^\/oauth\/interaction\//);
    expect(signin.html).toContain(`/signup?next=${encodeURIComponent(next)}`);
    const signup = await stranger.follow(`/signup?next=${encodeURIComponent(next)}`);
    const page = await stranger.submit(signup, { email: 'grace@example.org', password: 'another long password', name: 'Grace Hopper' }, { actionPart: '/signup', stopAt: REDIRECT });
    expect(isConsentPage(page)).toBe(true);
    const back = await stranger.submit(page, { decision: 'approve' }, { stopAt: REDIRECT });
    const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: auth.verifier, expectedState: auth.state });
    expect(tokens.scope).toBe('patient/MedicationStatement.cr');
    expect(tokens.person_id).not.toBe(first.recordId);
  });

  it('several records and no record_id: the picker shows; a new required rule: the page shows again and the grant is updated', async () => {
    const added = await web.submit(await web.request('/records'), { name: 'Little Ada', relationship: 'child' }, { actionPart: '/records', stopAt: p.baseUrl });
    expect(added.status).toBe(303);
    const picker = await openAuthorize(web, (await authorizationRequest(config)).url);
    expect(isConsentPage(picker)).toBe(true);
    expect(picker.html.match(/type="radio"/g)).toHaveLength(2);
    const skip = await openAuthorize(web, (await authorizationRequest(config, { record_id: first.recordId })).url);
    expect(skip.location?.searchParams.get('code')).toBeTruthy();

    const res = await fetch(`${p.baseUrl}/api/v1/admin/applications/${app.appId}/rules`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${p.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [...rules, { name: 'Labs', reason: 'To read your lab results', dataTypes: ['Observation'], permissions: ['read'], mode: 'online', required: true }] }),
    });
    expect(res.status).toBe(200);
    const auth = await authorizationRequest(config, { record_id: first.recordId });
    const again = await openAuthorize(web, auth.url);
    expect(isConsentPage(again)).toBe(true);
    expect(again.html).toContain('It now asks for more');
    const back = await web.submit(again, { decision: 'approve' }, { stopAt: REDIRECT });
    const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: auth.verifier, expectedState: auth.state });
    expect(tokens).toMatchObject({ grant_id: first.grantId, scope: 'patient/MedicationStatement.cr patient/Observation.r' });
  });
});
