import { decodeItemCursor, decodeVersionCursor, encodeItemCursor, encodeVersionCursor } from './cursor';

describe('item cursor', () => {
  const key = { effectiveDate: new Date('2024-03-05T10:20:30.123Z'), id: '0b6f8c1e-58a4-4a4e-9d43-1f2a3b4c5d6e' };

  it('round-trips the keyset position as opaque base64url', () => {
    const sut = encodeItemCursor(key);
    expect(sut).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeItemCursor(sut)).toEqual(key);
  });

  it.each([
    ['not base64url', '***'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
    ['bad date', Buffer.from(JSON.stringify(['yesterday', key.id])).toString('base64url')],
    ['bad id', Buffer.from(JSON.stringify([key.effectiveDate.toISOString(), "1' OR 1=1"])).toString('base64url')],
    ['a version cursor', encodeVersionCursor(3)],
  ])('rejects %s', (_name, cursor) => {
    expect(decodeItemCursor(cursor)).toBeNull();
  });
});

describe('version cursor', () => {
  it('round-trips a version number', () => {
    expect(decodeVersionCursor(encodeVersionCursor(42))).toBe(42);
  });

  it('rejects anything else', () => {
    expect(decodeVersionCursor(Buffer.from(JSON.stringify(['v', 0])).toString('base64url'))).toBeNull();
    expect(decodeVersionCursor(Buffer.from(JSON.stringify(['v', 1.5])).toString('base64url'))).toBeNull();
    expect(decodeVersionCursor(encodeItemCursor({ effectiveDate: new Date(0), id: '0b6f8c1e-58a4-4a4e-9d43-1f2a3b4c5d6e' }))).toBeNull();
  });
});
