import { createHash, randomBytes } from 'node:crypto';

/** A pickup ticket: 256 random bits, base64url; only its SHA-256 is stored (high entropy: a fast hash is enough). */
export function newTicket(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashTicket(token) };
}

export function hashTicket(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
