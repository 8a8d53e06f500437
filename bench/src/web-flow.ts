// The OAuth web flow as a partner app and a signed-in browser (libs/testing's WebClient: cookie jar,
// manual redirects, forms read from the HTML), timed from /oauth/authorize to the token response.
import { type WebClient } from '@carevault/testing';
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface WebApp {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

const b64url = (b: Buffer) => b.toString('base64url');

/**
 * One authorization code + PKCE flow as a signed-in browser and a confidential partner app: authorize
 * (→ consent page, approve) → redirect with the code → token request. Returns the time it took and the token.
 */
export async function webAuthorization(web: WebClient, app: WebApp, o: { prompt?: 'consent' } = {}): Promise<{ ms: number; consentShown: boolean; accessToken: string; recordId: string }> {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const state = b64url(randomBytes(16));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.redirectUri,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(o.prompt ? { prompt: o.prompt } : {}),
  });
  const started = performance.now();
  let page = await web.follow(`/oauth/authorize?${params}`, { stopAt: app.redirectUri });
  const consentShown = !page.location;
  if (consentShown) {
    if (!page.html.includes('name="decision"')) throw new Error(`expected the consent page, got ${page.status} ${page.url.pathname}: ${page.html.slice(0, 300)}`);
    page = await web.submit(page, { decision: 'approve' }, { stopAt: app.redirectUri });
  }
  const back = page.location;
  if (!back || back.searchParams.get('state') !== state || !back.searchParams.get('code')) throw new Error(`no code in the redirect: ${back?.href ?? page.status}`);
  const res = await fetch(`${web.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: app.redirectUri, code_verifier: verifier }),
  });
  const body = (await res.json()) as { access_token?: string; record_id?: string; error?: string };
  const ms = performance.now() - started;
  if (res.status !== 200 || !body.access_token) throw new Error(`token request: ${res.status} ${JSON.stringify(body)}`);
  return { ms, consentShown, accessToken: body.access_token, recordId: String(body.record_id) };
}
