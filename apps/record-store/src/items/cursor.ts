/** Where the next page of a list starts: the key (effective date, id) of the last item returned. */
export interface ItemCursor {
  effectiveDate: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decode(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function encodeItemCursor(c: ItemCursor): string {
  return encode([c.effectiveDate.toISOString(), c.id]);
}

/** Null when the cursor was not made by encodeItemCursor. */
export function decodeItemCursor(cursor: string): ItemCursor | null {
  const v = decode(cursor);
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string') return null;
  const effectiveDate = new Date(v[0]);
  if (Number.isNaN(effectiveDate.getTime()) || effectiveDate.toISOString() !== v[0] || !UUID.test(v[1])) return null;
  return { effectiveDate, id: v[1] };
}

/** Versions page by version number (newest first): the cursor is the last version returned. */
export function encodeVersionCursor(version: number): string {
  return encode(['v', version]);
}

export function decodeVersionCursor(cursor: string): number | null {
  const v = decode(cursor);
  if (!Array.isArray(v) || v.length !== 2 || v[0] !== 'v' || !Number.isInteger(v[1]) || (v[1] as number) < 1) return null;
  return v[1] as number;
}
