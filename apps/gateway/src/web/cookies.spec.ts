import { readCookie } from './cookies';

describe('readCookie', () => {
  const req = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } });

  it('finds a cookie among others, trimming spaces', () => {
    expect(readCookie(req('a=1;  cv_session=tok ; b=2'), 'cv_session')).toBe('tok');
  });

  it('takes the first of repeated names', () => {
    expect(readCookie(req('cv_csrf=first; cv_csrf=second'), 'cv_csrf')).toBe('first');
  });

  it('percent-decodes, keeping a value that is not valid percent-encoding as is', () => {
    expect(readCookie(req('x=a%20b'), 'x')).toBe('a b');
    expect(readCookie(req('x=%E0%A4%A'), 'x')).toBe('%E0%A4%A');
  });

  it('does not match a name that only ends like the one asked for, and has nothing without a header', () => {
    expect(readCookie(req('xcv_session=1'), 'cv_session')).toBeUndefined();
    expect(readCookie(req(), 'cv_session')).toBeUndefined();
    expect(readCookie(req('garbage'), 'cv_session')).toBeUndefined();
  });
});
