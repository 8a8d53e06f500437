import { createHash, randomInt } from 'node:crypto';

/**
 * Digits and capitals without the look-alikes 0/O and 1/I/L: 31 symbols. `randomInt` draws each one
 * uniformly (it rejects the biased tail), so 20 symbols carry 20·log2(31) ≈ 99 bits.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 20;
const GROUP = 4;

const WELL_FORMED = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** A fresh pickup code from the CSPRNG, formatted `ABCD-EFGH-JKMN-PQRS-TUVW`. */
export function generatePickupCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return formatPickupCode(code);
}

export function formatPickupCode(canonical: string): string {
  return canonical.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/**
 * The code as the person typed it, in canonical form: compatibility-normalized (full-width letters),
 * upper case, without spaces, dashes, underscores or dots. Anything else is kept, so a mistyped code
 * simply matches nothing.
 */
export function canonicalPickupCode(typed: string): string {
  return typed.normalize('NFKC').toUpperCase().replace(/[\s\p{Pd}_.]/gu, '');
}

export function isWellFormedPickupCode(canonical: string): boolean {
  return WELL_FORMED.test(canonical);
}

/**
 * SHA-256 of the canonical code. A fast hash is right here, unlike for answers and passwords: the
 * code has ~99 bits of entropy, so the hash cannot be reversed by guessing, and it must be looked up
 * by a unique index in one step.
 */
export function hashPickupCode(canonical: string): Buffer {
  return createHash('sha256').update(canonical, 'utf8').digest();
}
