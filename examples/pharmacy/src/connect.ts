// The person's side: "Connect your Carevault record" (GET /connect) runs the OAuth 2.0 code flow with
// PKCE (S256); the callback exchanges the code for an online token and shows the medication list, if
// the person allowed the optional online rule. The offline pushes do not depend on this at all.
import { createHash, randomBytes } from 'node:crypto';

export interface ConnectConfig {
  carevaultUrl: string;
  clientId: string;
  clientSecret: string;
  /** The pharmacy's address as the person's browser reaches it; the redirect URI is `<publicUrl>/callback`. */
  publicUrl: string;
}

export interface Connected {
  recordId: string;
  medications: string[] | null;
}

const PENDING_TTL_MS = 10 * 60_000;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class ConnectFlow {
  private readonly pending = new Map<string, { verifier: string; expiresAt: number }>();

  constructor(
    private readonly c: ConnectConfig,
    private readonly http: typeof fetch = fetch,
  ) {}

  get redirectUri(): string {
    return `${this.c.publicUrl}/callback`;
  }

  /** Where to send the browser: Carevault's authorize endpoint, with a fresh state and PKCE challenge. */
  start(recordId?: string): string {
    const now = Date.now();
    for (const [s, p] of this.pending) if (p.expiresAt < now) this.pending.delete(s);
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    this.pending.set(state, { verifier, expiresAt: now + PENDING_TTL_MS });
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: this.c.clientId,
      redirect_uri: this.redirectUri,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(recordId ? { record_id: recordId } : {}),
    });
    return `${this.c.carevaultUrl}/oauth/authorize?${query}`;
  }

  /** Back from Carevault: the code for an online token, then the medication list (null when not allowed). */
  async finish(query: URLSearchParams): Promise<Connected> {
    const pending = this.pending.get(query.get('state') ?? '');
    this.pending.delete(query.get('state') ?? '');
    if (query.get('error')) throw new Error(query.get('error') === 'access_denied' ? 'You did not allow the pharmacy to use your record.' : 'Carevault did not authorize the pharmacy.');
    if (!pending || pending.expiresAt < Date.now() || !query.get('code')) throw new Error('This sign-in link has expired. Start again.');
    const basic = Buffer.from(`${encodeURIComponent(this.c.clientId)}:${encodeURIComponent(this.c.clientSecret)}`).toString('base64');
    const res = await this.http(`${this.c.carevaultUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: query.get('code')!, redirect_uri: this.redirectUri, code_verifier: pending.verifier }),
    });
    const tokens = (await res.json()) as { access_token?: string; record_id?: string };
    if (res.status !== 200 || !tokens.access_token || !tokens.record_id) throw new Error('Carevault did not give the pharmacy a token.');
    const items = await this.http(`${this.c.carevaultUrl}/api/v1/records/${tokens.record_id}/items?type=MedicationStatement`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    if (items.status !== 200) return { recordId: tokens.record_id, medications: null };
    const list = (await items.json()) as { items: Array<{ resource: { medicationCodeableConcept?: { text?: string } } }> };
    return { recordId: tokens.record_id, medications: list.items.map((i) => i.resource.medicationCodeableConcept?.text ?? 'a medication') };
  }
}

export function connectedPage(result: Connected | Error): string {
  const body =
    result instanceof Error
      ? `<h1>Not connected</h1><p>${escapeHtml(result.message)}</p><p><a href="/connect">Try again</a></p>`
      : `<h1>Your Carevault record is connected</h1>
<p>We will add the medicines we dispense to your record. You can revoke this at any time in Carevault.</p>
${
  result.medications === null
    ? '<p>You did not allow us to see your medication list.</p>'
    : `<h2>Your medication list</h2><ul>${result.medications.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>`
}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contoso Pharmacy</title></head><body>${body}</body></html>`;
}
