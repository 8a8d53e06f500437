// Clinic Portal: a small partner web app of Carevault. It sends the person through OAuth 2.0
// (authorization code + PKCE S256 + state, with openid-client) and shows their medications and
// allergies with the online token it keeps server-side, in a memory session behind a cookie.
//
//   CAREVAULT_URL=http://localhost:8080 CLIENT_ID=… CLIENT_SECRET=… PUBLIC_URL=http://127.0.0.1:3000 \
//     node examples/clinic-portal/server.mjs
import * as client from 'openid-client';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (!value) {
    console.error(`clinic-portal: set ${name} (see examples/clinic-portal/README.md)`);
    process.exit(2);
  }
  return value;
};

const CAREVAULT_URL = env('CAREVAULT_URL', 'http://localhost:8080').replace(/\/$/, '');
const CLIENT_ID = env('CLIENT_ID');
const CLIENT_SECRET = env('CLIENT_SECRET');
const PORT = Number(env('PORT', process.env.PUBLIC_URL ? new URL(process.env.PUBLIC_URL).port || '80' : '3000'));
const HOST = env('HOST', '127.0.0.1');
const PUBLIC_URL = env('PUBLIC_URL', `http://127.0.0.1:${PORT}`).replace(/\/$/, '');
const REDIRECT_URI = `${PUBLIC_URL}/callback`;
const COOKIE = 'clinic_portal_sid';

/** The sections of the home page: one API call each, so that one refused type does not hide the other. */
const SECTIONS = [
  { type: 'MedicationStatement', title: 'Your medications', id: 'medications', describe: medicationLine },
  { type: 'AllergyIntolerance', title: 'Your allergies', id: 'allergies', describe: allergyLine },
];

let configuration;
/** Discovery (RFC 8414) on first use, so the portal may start before Carevault does. */
async function oauth() {
  configuration ??= await client.discovery(new URL(CAREVAULT_URL), CLIENT_ID, undefined, client.ClientSecretBasic(CLIENT_SECRET), {
    algorithm: 'oauth2',
    execute: CAREVAULT_URL.startsWith('http:') ? [client.allowInsecureRequests] : [],
  });
  return configuration;
}

// Sessions: id (in an HttpOnly cookie) → { pending?: { state, verifier }, token?: {...}, notice? }.
const sessions = new Map();

function sessionOf(req, res) {
  const sid = /(?:^|;\s*)clinic_portal_sid=([A-Za-z0-9_-]{43})(?:;|$)/.exec(req.headers.cookie ?? '')?.[1];
  if (sid && sessions.has(sid)) return sessions.get(sid);
  const id = randomBytes(32).toString('base64url');
  const session = {};
  sessions.set(id, session);
  const secure = PUBLIC_URL.startsWith('https:') ? '; Secure' : '';
  res.setHeader('set-cookie', `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${secure}`);
  return session;
}

const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" });
  res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clinic Portal</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
.notice{padding:.75rem;border:2px solid #b00;background:#fff4f4}.muted{color:#555}
a.button,button{display:inline-block;padding:.5rem 1rem;background:#0b5;color:#fff;border:0;border-radius:4px;text-decoration:none;font:inherit;cursor:pointer}</style>
</head><body><h1>Clinic Portal</h1>
${body}
</body></html>`);
}

const redirect = (res, location) => res.writeHead(303, { location, 'cache-control': 'no-store' }).end();

const connectButton = '<p><a class="button" href="/connect">Connect your Carevault record</a></p>';

function medicationLine(r) {
  const name = r.medicationCodeableConcept?.text ?? r.medicationCodeableConcept?.coding?.[0]?.display ?? r.medicationReference?.display ?? 'A medication';
  const when = r.effectiveDateTime ?? r.effectivePeriod?.start;
  return `${esc(name)} <span class="muted">(${esc(r.status)}${when ? `, since ${esc(when.slice(0, 10))}` : ''})</span>`;
}

function allergyLine(r) {
  const name = r.code?.text ?? r.code?.coding?.[0]?.display ?? 'An allergy';
  return `${esc(name)}${r.criticality ? ` <span class="muted">(criticality: ${esc(r.criticality)})</span>` : ''}`;
}

/** GET the items of one type with the online token: { items } or { status } of the refusal. */
async function fetchItems(token, type) {
  const url = `${CAREVAULT_URL}/api/v1/records/${encodeURIComponent(token.recordId)}/items?type=${type}&limit=50`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' } });
  if (!res.ok) return { status: res.status };
  return { items: (await res.json()).items };
}

function sectionHtml(section, result) {
  let inner;
  if (result.items) {
    inner = result.items.length
      ? `<ul>${result.items.map((item) => `<li>${section.describe(item.resource)}</li>`).join('')}</ul>`
      : '<p class="muted">Nothing recorded.</p>';
  } else if (result.status === 403) {
    inner = `<p class="notice">Not permitted (403): you did not allow Clinic Portal to see this on Carevault. <a href="/connect?ask=again">Ask Carevault again</a></p>`;
  } else if (result.status === 404) {
    inner = `<p class="notice">Not found (404): Clinic Portal no longer has access to this record.</p>`;
  } else {
    inner = `<p class="notice">Carevault could not answer (${esc(result.status)}). Try again later.</p>`;
  }
  return `<section id="${section.id}" data-status="${result.status ?? 200}"><h2>${esc(section.title)}</h2>${inner}</section>`;
}

async function home(req, res, session) {
  const notice = session.notice ? `<p class="notice" role="alert">${esc(session.notice)}</p>` : '';
  session.notice = undefined;
  const token = session.token;
  if (!token) return page(res, 200, `${notice}<p>See your medications and allergies from your Carevault health record.</p>${connectButton}`);
  const results = await Promise.all(SECTIONS.map((s) => fetchItems(token, s.type)));
  if (results.some((r) => r.status === 401)) {
    session.token = undefined;
    const expired = Date.now() >= token.expiresAt;
    const message = expired ? 'Your Carevault connection expired (401) — connect again.' : 'You signed out of Carevault (401) — connect again.';
    return page(res, 200, `<p class="notice" role="alert" id="signed-out">${message}</p>${connectButton}`);
  }
  return page(
    res,
    200,
    `${notice}<p>Connected to Carevault record <code>${esc(token.recordId)}</code> with: <code>${esc(token.scope)}</code></p>
${SECTIONS.map((s, i) => sectionHtml(s, results[i])).join('\n')}
<p><a href="/">Refresh</a></p>
<form method="post" action="/disconnect"><button type="submit">Disconnect</button></form>`,
  );
}

async function connect(req, res, session) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  session.pending = { verifier, state };
  const url = client.buildAuthorizationUrl(await oauth(), {
    redirect_uri: REDIRECT_URI,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    // Carevault skips its consent page when the grant already covers the required rules: ask anyway.
    ...(new URL(req.url, PUBLIC_URL).searchParams.has('ask') ? { prompt: 'consent' } : {}),
  });
  redirect(res, url.href);
}

async function callback(req, res, session) {
  const pending = session.pending;
  session.pending = undefined;
  if (!pending) return page(res, 400, `<p class="notice">This sign-in link is stale. Start again.</p>${connectButton}`);
  try {
    const tokens = await client.authorizationCodeGrant(await oauth(), new URL(req.url, PUBLIC_URL), { pkceCodeVerifier: pending.verifier, expectedState: pending.state });
    session.token = {
      accessToken: tokens.access_token,
      recordId: String(tokens.record_id),
      personId: String(tokens.person_id),
      grantId: String(tokens.grant_id),
      scope: tokens.scope ?? '',
      expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000,
    };
    return redirect(res, '/');
  } catch (err) {
    if (err instanceof client.AuthorizationResponseError && err.error === 'access_denied') {
      return page(res, 200, `<p class="notice">You did not allow Clinic Portal on Carevault. Nothing was shared.</p>${connectButton}`);
    }
    console.error('clinic-portal: callback failed:', err);
    return page(res, 502, `<p class="notice">Connecting to Carevault failed. Try again.</p>${connectButton}`);
  }
}

const routes = {
  'GET /': home,
  'GET /connect': connect,
  'GET /callback': callback,
  'POST /disconnect': (req, res, session) => {
    session.token = undefined;
    session.notice = 'Disconnected. Clinic Portal forgot its Carevault token.';
    redirect(res, '/');
  },
};

const server = createServer((req, res) => {
  const route = routes[`${req.method} ${new URL(req.url, PUBLIC_URL).pathname}`];
  if (!route) return page(res, 404, '<p>Not found.</p><p><a href="/">Home</a></p>');
  Promise.resolve(route(req, res, sessionOf(req, res))).catch((err) => {
    console.error('clinic-portal:', err);
    if (!res.headersSent) page(res, 500, '<p class="notice">Something went wrong.</p>');
  });
});

server.listen(PORT, HOST, () => console.log(`clinic-portal listening on ${PUBLIC_URL} (Carevault at ${CAREVAULT_URL})`));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
