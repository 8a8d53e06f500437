/** Opaque keyset cursors: base64url of a bigint sequence number. */
export function encodeSeqCursor(seq: string | bigint): string {
  return Buffer.from(String(seq), 'utf8').toString('base64url');
}

/** The sequence number in a cursor, or null when it is not one of ours. */
export function decodeSeqCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return null;
  const seq = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^(0|[1-9]\d{0,18})$/.test(seq) || BigInt(seq) > 9223372036854775807n) return null;
  return seq;
}
