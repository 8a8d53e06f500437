// A tiny browser for system tests of the person-facing pages: a cookie jar (name + path, expiry), manual
// redirects, and forms read from the HTML the way a browser submits them.

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

export interface Page {
  status: number;
  url: URL;
  html: string;
  location: URL | null;
}

export interface FormData {
  action: URL;
  fields: Record<string, string>;
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export class WebClient {
  private readonly jar = new Map<string, StoredCookie>();

  constructor(readonly baseUrl: string) {}

  /** Another browser signed in as the same person (a tab without the OAuth state): only Carevault's cv_ cookies are copied. */
  fork(): WebClient {
    const other = new WebClient(this.baseUrl);
    for (const [key, c] of this.jar) if (c.name.startsWith('cv_')) other.jar.set(key, { ...c });
    return other;
  }

  /** The CSRF token of the person's forms (any page with a form carries it). */
  csrfOf(page: Page): string {
    const token = /name="_csrf" value="([^"]*)"/.exec(page.html)?.[1];
    if (!token) throw new Error(`no _csrf on ${page.url.pathname}`);
    return decode(token);
  }

  cookie(name: string): string | undefined {
    return [...this.jar.values()].find((c) => c.name === name)?.value;
  }

  /** One request; redirects are not followed. Cookies go only to our own origin. */
  async request(url: string | URL, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<Page> {
    const target = new URL(url, this.baseUrl);
    const ours = target.origin === new URL(this.baseUrl).origin;
    const headers: Record<string, string> = {};
    if (ours) {
      const cookies = [...this.jar.values()].filter((c) => target.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`);
      if (cookies.length) headers.cookie = cookies.join('; ');
    }
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    if (ours) this.store(res.headers.getSetCookie());
    const location = res.headers.get('location');
    return { status: res.status, url: target, html: await res.text(), location: location ? new URL(location, target) : null };
  }

  /** Follows redirects (as GETs) until an answer that is not one, or until a URL starting with `stopAt`. */
  async follow(url: string | URL, o: { stopAt?: string; method?: string; form?: Record<string, string | string[]> } = {}): Promise<Page> {
    let page = await this.request(url, { method: o.method, form: o.form });
    for (let hops = 0; page.location && hops < 20; hops++) {
      if (o.stopAt && page.location.href.startsWith(o.stopAt)) return page;
      page = await this.request(page.location);
    }
    return page;
  }

  /** The first form on the page (or the one whose action contains `actionPart`), with its hidden and prefilled fields. */
  form(page: Page, actionPart?: string): FormData {
    const forms = [...page.html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)];
    const actionOf = (f: RegExpMatchArray) => /action="([^"]*)"/.exec(f[1]!)?.[1] ?? '';
    const found = forms.find((f) => (actionPart ? actionOf(f).includes(actionPart) : actionOf(f) !== '/signout'));
    if (!found) throw new Error(`no form on ${page.url.pathname} (${page.status}): ${page.html.slice(0, 300)}`);
    const action = decode(/action="([^"]*)"/.exec(found[1]!)?.[1] ?? page.url.pathname);
    const fields: Record<string, string> = {};
    for (const m of found[2]!.matchAll(/<input([^>]*)>/g)) {
      const attrs = m[1]!;
      const name = /name="([^"]*)"/.exec(attrs)?.[1];
      const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
      if (!name || ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(attrs))) continue;
      fields[name] = decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
    }
    return { action: new URL(action, page.url), fields };
  }

  /** Submits a form of the page with some fields set, following redirects. */
  submit(page: Page, values: Record<string, string | string[]>, o: { actionPart?: string; stopAt?: string } = {}): Promise<Page> {
    const f = this.form(page, o.actionPart);
    return this.follow(f.action, { method: 'POST', form: { ...f.fields, ...values }, stopAt: o.stopAt });
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

/** Signs a person up through /signup (CSRF token from the form, cookies carried); the client keeps cv_session. */
export async function signUp(web: WebClient, person: { email: string; password: string; name: string }): Promise<void> {
  const form = await web.request('/signup');
  const done = await web.submit(form, person, { actionPart: '/signup', stopAt: web.baseUrl });
  if (done.status !== 303 || !web.cookie('cv_session')) throw new Error(`sign-up failed: ${done.status} ${done.html.slice(0, 300)}`);
}
