// The pharmacy's side of Carevault's partner API: an application token (client_credentials, offline
// access) and adding an item to a record it holds a grant on.

export interface TokenClient {
  carevaultUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface CallResult {
  status: number;
  body: Record<string, unknown> | null;
}

export class CarevaultError extends Error {}

export class CarevaultClient {
  private token?: { value: string; expiresAt: number };

  constructor(
    private readonly o: TokenClient,
    private readonly http: typeof fetch = fetch,
  ) {}

  /** An offline application token, reused until a minute before it expires. */
  async applicationToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const basic = Buffer.from(`${encodeURIComponent(this.o.clientId)}:${encodeURIComponent(this.o.clientSecret)}`).toString('base64');
    const res = await this.http(`${this.o.carevaultUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (res.status !== 200 || !body.access_token) throw new CarevaultError(`token request refused: ${res.status} ${body.error ?? ''}`.trim());
    this.token = { value: body.access_token, expiresAt: Date.now() + Math.max(0, (body.expires_in ?? 300) - 60) * 1000 };
    return this.token.value;
  }

  /** POST /api/v1/records/{recordId}/items with the application token; a token Carevault no longer takes is renewed once. */
  async addItem(recordId: string, resource: Record<string, unknown>): Promise<CallResult> {
    const send = async () =>
      this.http(`${this.o.carevaultUrl}/api/v1/records/${encodeURIComponent(recordId)}/items`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await this.applicationToken()}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify(resource),
      });
    let res = await send();
    if (res.status === 401) {
      this.token = undefined;
      res = await send();
    }
    const text = await res.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    return { status: res.status, body };
  }
}
