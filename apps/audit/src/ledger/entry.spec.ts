import { createHash } from 'node:crypto';
import { chained, newEntry } from '../../test/entries';
import { PLATFORM_CHAIN, canonicalJson, chainKeyOf, hashEntry, hashedFields } from './entry';

describe('audit entry hashing', () => {
  describe(canonicalJson.name, () => {
    it('writes the same text whatever order the keys were added in, at every level', () => {
      expect(canonicalJson({ b: 1, a: { d: 'x', c: null } })).toBe('{"a":{"c":null,"d":"x"},"b":1}');
      expect(canonicalJson({ a: { c: null, d: 'x' }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: 'x', c: null } }));
    });

    it('leaves out undefined members but keeps nulls', () => {
      expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    });
  });

  describe(hashEntry.name, () => {
    it('is SHA-256 of the previous hash followed by the canonical JSON of the stored fields', () => {
      const sut = newEntry();
      const prev = createHash('sha256').update('previous').digest();
      const expected = createHash('sha256').update(prev).update(canonicalJson(hashedFields(sut))).digest();
      expect(hashEntry(prev, sut).equals(expected)).toBe(true);
      expect(hashEntry(null, sut).equals(createHash('sha256').update(canonicalJson(hashedFields(sut))).digest())).toBe(true);
    });

    it('covers every stored field, including the event id and both times', () => {
      const base = newEntry();
      const h = hashEntry(null, base);
      const changes: Array<Partial<typeof base>> = [
        { eventId: '00000000-0000-4000-8000-000000000000' },
        { outcome: 'denied' },
        { reason: 'not-permitted' },
        { appId: null },
        { dataType: 'Condition' },
        { itemCount: 3 },
        { mode: 'online' },
        { clientAddress: '198.51.100.1' },
        { details: { grantId: 'g' } },
        { occurredAt: new Date(base.occurredAt.getTime() + 1) },
        { recordedAt: new Date(base.recordedAt.getTime() + 1) },
      ];
      for (const change of changes) expect(hashEntry(null, { ...base, ...change }).equals(h)).toBe(false);
    });

    it('depends on the previous hash, so that changing one entry breaks every later link', () => {
      const e = newEntry();
      expect(hashEntry(Buffer.alloc(32, 1), e).equals(hashEntry(Buffer.alloc(32, 2), e))).toBe(false);
    });

    it('does not depend on seq or on where other chains are', () => {
      const recordId = '3f9a1c52-2b8e-4d1f-9c4e-6a7b8c9d0e1f';
      const a = newEntry({ recordId });
      const b = newEntry({ recordId });
      const alone = chained([a, b]);
      const interleaved = chained([newEntry(), a, newEntry({ recordId: null }), b]);
      expect(interleaved[3]!.hash.equals(alone[1]!.hash)).toBe(true);
      expect(interleaved[3]!.prevHash!.equals(alone[0]!.hash)).toBe(true);
    });
  });

  describe(chainKeyOf.name, () => {
    it('chains by record, and everything without a record under the platform chain', () => {
      expect(chainKeyOf({ recordId: 'r1' })).toBe('r1');
      expect(chainKeyOf({ recordId: null })).toBe(PLATFORM_CHAIN);
    });
  });
});
