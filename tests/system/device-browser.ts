// A small browser for the device-instance system test: a cookie jar (name + path), manual redirects, and
// forms read from the HTML the way a browser submits them. (The gateway's own test client lives in
// apps/gateway/test, which tests/ may not import.)

export interface Page {
  status: number;
  url: URL;
  html: string;
  location: URL | null;
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export class Browser {
  private readonly jar = new Map<string, { name: string; value: string; path: string }>();

  constructor(readonly baseUrl: string) {}

  /** Another browser (tab without shared OAuth state) signed in as the same person: only our cv_ cookies are copied. */
  fork(): Browser {
    const other = new Browser(this.baseUrl);
    for (const [key, c] of this.jar) if (c.name.startsWith('cv_')) other.jar.set(key, { ...c });
    return other;
  }

  /** One request, redirects not followed; cookies only to our own origin. */
  async request(url: string | URL, form?: Record<string, string | string[]>): Promise<Page> {
    const target = new URL(url, this.baseUrl);
    const headers: Record<string, string> = {};
    const cookies = [...this.jar.values()].filter((c) => target.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`);
    if (cookies.length) headers.cookie = cookies.join('; ');
    let body: string | undefined;
    if (form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(target, { method: body === undefined ? 'GET' : 'POST', headers, body, redirect: 'manual' });
    this.store(res.headers.getSetCookie());
    const location = res.headers.get('location');
    return { status: res.status, url: target, html: await res.text(), location: location ? new URL(location, target) : null };
  }

  /** Follows redirects (as GETs). */
  async follow(url: string | URL, form?: Record<string, string | string[]>): Promise<Page> {
    let page = await this.request(url, form);
    for (let hops = 0; page.location && hops < 20; hops++) page = await this.request(page.location);
    return page;
  }

  /** Submits the first form of the page (not the sign-out one), or the one whose action contains `actionPart`. */
  submit(page: Page, values: Record<string, string | string[]>, actionPart?: string): Promise<Page> {
    const forms = [...page.html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)];
    const actionOf = (f: RegExpMatchArray) => /action="([^"]*)"/.exec(f[1]!)?.[1] ?? '';
    const found = forms.find((f) => (actionPart ? actionOf(f).includes(actionPart) : actionOf(f) !== '/signout'));
    if (!found) throw new Error(`no form on ${page.url.pathname} (${page.status}): ${page.html.slice(0, 300)}`);
    const fields: Record<string, string> = {};
    for (const m of found[2]!.matchAll(/<input([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(m[1]!)?.[1];
      const type = /type="([^"]*)"/.exec(m[1]!)?.[1] ?? 'text';
      if (!name || ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(m[1]!))) continue;
      fields[name] = decode(/value="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
    }
    return this.follow(new URL(decode(actionOf(found) || page.url.pathname), page.url), { ...fields, ...values });
  }

  /** The CSRF token of the person's forms (any page with a form carries it). */
  csrfOf(page: Page): string {
    const token = /name="_csrf" value="([^"]*)"/.exec(page.html)?.[1];
    if (!token) throw new Error(`no _csrf on ${page.url.pathname}`);
    return decode(token);
  }

  private store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const attr = (n: string) => attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.split('=')[1];
      const path = attr('path') ?? '/';
      const expires = attr('expires');
      const gone = attr('max-age') === '0' || (expires !== undefined && Date.parse(expires) <= Date.now()) || value === '';
      if (gone) this.jar.delete(`${name}|${path}`);
      else this.jar.set(`${name}|${path}`, { name, value, path });
    }
  }
}

/** Signs a new person up through /signup; the browser keeps the session. */
export async function signUp(b: Browser, person: { email: string; password: string; name: string }): Promise<void> {
  const done = await b.submit(await b.request('/signup'), person, '/signup');
  if (!/\/records$/.test(done.url.pathname)) throw new Error(`sign-up failed: ${done.status} ${done.html.slice(0, 300)}`);
}
