export interface SendResult {
  ok: boolean;
  /** The partner's HTTP status; null when there was no answer. */
  statusCode: number | null;
  /** Short, for the delivery row: never the URL (it may hold a token) or the partner's body. */
  error: string | null;
}

/** One POST; success is a 2xx within `timeoutMs`. Redirects are not followed (a 3xx is a failure). */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: abort.signal });
    await res.body?.cancel().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    if (abort.signal.aborted) return { ok: false, statusCode: null, error: `timeout after ${timeoutMs} ms` };
    return { ok: false, statusCode: null, error: describe(err) };
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return `connection failed (${cause.code})`;
  if (err instanceof TypeError && /invalid url/i.test(`${cause?.message ?? err.message}`)) return 'webhook URL is not valid';
  return 'connection failed';
}
