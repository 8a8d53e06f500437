import { createHash } from 'node:crypto';
import { CODE_ALPHABET, CODE_LENGTH, canonicalPickupCode, formatPickupCode, generatePickupCode, hashPickupCode, isWellFormedPickupCode } from './pickup-code';

describe('pickup codes', () => {
  describe('alphabet', () => {
    it('has 31 distinct symbols and none of the look-alikes 0, O, 1, I, L', () => {
      expect(new Set(CODE_ALPHABET).size).toBe(31);
      for (const c of '0O1IL') expect(CODE_ALPHABET).not.toContain(c);
      expect(CODE_LENGTH * Math.log2(CODE_ALPHABET.length)).toBeGreaterThan(99);
    });
  });

  describe(generatePickupCode.name, () => {
    it('makes 100,000 distinct codes of 5 groups of 4 alphabet symbols, every symbol used', () => {
      const format = new RegExp(`^[${CODE_ALPHABET}]{4}(-[${CODE_ALPHABET}]{4}){4}$`);
      const seen = new Set<string>();
      const counts = new Map<string, number>();
      for (let i = 0; i < 100_000; i++) {
        const sut = generatePickupCode();
        if (!format.test(sut)) throw new Error(`bad code ${sut}`);
        seen.add(sut);
        for (const c of sut.replace(/-/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      expect(seen.size).toBe(100_000);
      expect([...counts.keys()].sort().join('')).toBe([...CODE_ALPHABET].sort().join(''));
      // 2,000,000 draws over 31 symbols: each ≈ 64,516; a biased generator would stray far more than 3%.
      for (const n of counts.values()) expect(Math.abs(n - 2_000_000 / 31) / (2_000_000 / 31)).toBeLessThan(0.03);
    });
  });

  describe(canonicalPickupCode.name, () => {
    const code = 'ABCD-EFGH-JKMN-PQRS-TUVW';
    const canonical = 'ABCDEFGHJKMNPQRSTUVW';

    it.each([
      ['as shown', code],
      ['lower case without dashes', 'abcdefghjkmnpqrstuvw'],
      ['with spaces', ' abcd efgh jkmn pqrs tuvw '],
      ['mixed separators', 'abcd–efgh_jkmn.pqrs  TUVW'],
      ['full-width letters', 'ＡＢＣＤ-ＥＦＧＨ-ＪＫＭＮ-ＰＱＲＳ-ＴＵＶＷ'],
    ])('reads a code typed %s', (_label, typed) => {
      const sut = canonicalPickupCode(typed);
      expect(sut).toBe(canonical);
      expect(isWellFormedPickupCode(sut)).toBe(true);
    });

    it('keeps unknown characters, so a mistyped code is not well-formed (and matches nothing)', () => {
      expect(isWellFormedPickupCode(canonicalPickupCode('0BCD-EFGH-JKMN-PQRS-TUVW'))).toBe(false);
      expect(isWellFormedPickupCode(canonicalPickupCode('ABCD-EFGH-JKMN-PQRS-TUV'))).toBe(false);
      expect(isWellFormedPickupCode(canonicalPickupCode('ABCD-EFGH-JKMN-PQRS-TUVW-X'))).toBe(false);
    });

    it('round-trips with formatPickupCode', () => {
      expect(formatPickupCode(canonical)).toBe(code);
    });
  });

  describe(hashPickupCode.name, () => {
    it('is the SHA-256 of the canonical code, the same however it was typed', () => {
      const expected = createHash('sha256').update('ABCDEFGHJKMNPQRSTUVW').digest();
      expect(hashPickupCode(canonicalPickupCode('abcd efgh jkmn pqrs tuvw'))).toEqual(expected);
    });
  });
});
