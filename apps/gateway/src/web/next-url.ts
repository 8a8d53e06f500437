export const DEFAULT_NEXT = '/records';
const BASE = 'http://carevault.invalid';

/**
 * Where to send a person after signing in: only a same-origin path (`/records?x=1`), never another host.
 * Browsers read `\` as `/` and skip tabs and newlines, so `/\evil.example` and `//evil` are refused outright.
 */
export function safeNextPath(value: unknown, fallback = DEFAULT_NEXT): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith('/') || value.startsWith('//')) return fallback;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
