import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The public OAuth client identifier. */
export const newClientId = (): string => `cv_${randomBytes(16).toString('base64url')}`;

export const hashClientSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** 32 random bytes: high-entropy, so SHA-256 (not a slow password hash) is enough to store it. */
export function newClientSecret(): { secret: string; hash: Buffer } {
  const secret = `cvs_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashClientSecret(secret) };
}

/** Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

const NO_SECRET = hashClientSecret('no-secret');

/** Constant-time comparison of a presented secret with the stored hash (a dummy hash when there is none). */
export function clientSecretMatches(storedHash: Buffer | null, presented: string): boolean {
  const presentedHash = hashClientSecret(presented);
  const equal = timingSafeEqual(storedHash && storedHash.length === presentedHash.length ? storedHash : NO_SECRET, presentedHash);
  return storedHash !== null && equal;
}
