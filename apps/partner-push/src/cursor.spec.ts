import { decodeSeqCursor, encodeSeqCursor } from './cursor';

describe('seq cursors', () => {
  describe(encodeSeqCursor.name, () => {
    it('is opaque base64url of the seq and round-trips', () => {
      for (const seq of ['1', '42', '9007199254740993', '9223372036854775807']) {
        const sut = encodeSeqCursor(seq);
        expect(sut).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(sut).not.toContain(seq);
        expect(decodeSeqCursor(sut)).toBe(seq);
      }
    });
  });

  describe(decodeSeqCursor.name, () => {
    it.each([
      ['not base64', '!!!'],
      ['empty', ''],
      ['not a number', Buffer.from('abc').toString('base64url')],
      ['negative', Buffer.from('-1').toString('base64url')],
      ['leading zero', Buffer.from('007').toString('base64url')],
      ['beyond bigint', Buffer.from('9223372036854775808').toString('base64url')],
      ['too long', 'A'.repeat(41)],
    ])('rejects %s', (_what, cursor) => {
      expect(decodeSeqCursor(cursor)).toBeNull();
    });
  });
});
