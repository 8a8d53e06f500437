import { DEFAULT_NEXT, safeNextPath } from './next-url';

describe('safeNextPath', () => {
  it.each([
    ['/records', '/records'],
    ['/records?tab=1#top', '/records?tab=1#top'],
    ['/oauth/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb', '/oauth/authorize?client_id=a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb'],
    ['/a/../records', '/records'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('keeps the same-origin path %s as %s', (given, expected) => {
    expect(safeNextPath(given)).toBe(expected);
  });

  it.each([
    ['a protocol-relative URL', '//evil.example/records'],
    ['an absolute URL', 'https://evil.example/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a backslash path', '/\\evil.example'],
    ['a backslash anywhere', '/records\\..\\x'],
    ['a tab after the slash', '/\t/evil.example'],
    ['a newline', '/records\n//evil.example'],
    ['a relative path', 'records'],
    ['an empty string', ''],
    ['a very long path', `/${'a'.repeat(3000)}`],
    ['an array', ['/records']],
    ['undefined', undefined],
    ['a number', 42],
  ])('falls back for %s', (_label, given) => {
    expect(safeNextPath(given)).toBe(DEFAULT_NEXT);
  });

  it('uses the given fallback', () => {
    expect(safeNextPath('//x', '/apps')).toBe('/apps');
  });
});
