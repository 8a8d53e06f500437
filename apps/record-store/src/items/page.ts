/**
 * Replies travel as one NATS message (1 MiB by default), so a page stops before it would outgrow this,
 * even below `limit`; the caller follows nextCursor as usual.
 */
export const MAX_PAGE_BYTES = 900 * 1024;

/**
 * The first `limit` entries that fit in `maxBytes` of JSON (always at least one), and whether more
 * follow: entries beyond the page, or the `limit + 1`th row the query fetched to find out.
 */
export function fitPage<T>(rows: T[], limit: number, maxBytes = MAX_PAGE_BYTES): { page: T[]; more: boolean } {
  const page: T[] = [];
  let bytes = 0;
  for (const row of rows.slice(0, limit)) {
    bytes += Buffer.byteLength(JSON.stringify(row)) + 1;
    if (page.length > 0 && bytes > maxBytes) return { page, more: true };
    page.push(row);
  }
  return { page, more: rows.length > limit };
}
