/** Opaque keyset cursors for the pickup list: base64url of a pickup seq. */
export function encodeSeqCursor(seq: string): string {
  return Buffer.from(`p${seq}`, 'utf8').toString('base64url');
}

/** The seq in a cursor, or null when it is not one of ours. */
export function decodeSeqCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return null;
  const m = /^p(0|[1-9]\d{0,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || BigInt(m[1]!) > 9223372036854775807n) return null;
  return m[1]!;
}
