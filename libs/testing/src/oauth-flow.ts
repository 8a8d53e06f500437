// Helpers of the OAuth system test: register applications, run an authorization through our pages.
import type { RegisterApplicationResponse, Rule } from '@carevault/contracts';
import * as client from 'openid-client';
import { type Page, type WebClient } from './web-client';

export const REDIRECT = 'https://partner.example/callback';

export async function registerApp(baseUrl: string, adminToken: string, body: { name: string; kind: 'web' | 'device'; rules: Rule[]; description?: string; redirectUris?: string[] }): Promise<RegisterApplicationResponse> {
  const res = await fetch(`${baseUrl}/api/v1/admin/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ redirectUris: body.kind === 'web' ? [REDIRECT] : [], ...body }),
  });
  if (res.status !== 201) throw new Error(`register ${body.name}: ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisterApplicationResponse;
}

export const insecure = { execute: [client.allowInsecureRequests], algorithm: 'oauth2' as const };

export interface Authorization {
  verifier: string;
  state: string;
  url: URL;
}

export async function authorizationRequest(config: client.Configuration, extra: Record<string, string> = {}): Promise<Authorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  return { verifier, state, url };
}

/** GET the authorize URL as the browser: ends on our consent page or on the redirect back to the app. */
export function openAuthorize(web: WebClient, url: URL): Promise<Page> {
  return web.follow(url, { stopAt: REDIRECT });
}

export const isConsentPage = (page: Page) => page.status === 200 && page.url.pathname.startsWith('/oauth/interaction/') && page.html.includes('name="decision"');

/** Posts a JSON-less form to an OAuth endpoint and reads the JSON answer. */
export async function oauthPost(baseUrl: string, path: string, form: Record<string, string>, basic?: { id: string; secret: string }): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: new URLSearchParams(form) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

