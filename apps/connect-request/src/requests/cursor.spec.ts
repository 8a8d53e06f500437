import { decodeSeqCursor, encodeSeqCursor } from './cursor';

describe('pickup cursors', () => {
  it('round-trip a seq', () => {
    expect(decodeSeqCursor(encodeSeqCursor('42'))).toBe('42');
    expect(decodeSeqCursor(encodeSeqCursor('9223372036854775807'))).toBe('9223372036854775807');
  });

  it.each(['', 'not a cursor!', Buffer.from('42').toString('base64url'), Buffer.from('p-1').toString('base64url'), Buffer.from('p9223372036854775808').toString('base64url')])(
    'refuse %j',
    (cursor) => {
      expect(decodeSeqCursor(cursor)).toBeNull();
    },
  );
});
