import type { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config';
import type { CookieWriter } from './cookies';
import { CsrfService, csrfTokenFor, csrfTokenMatches, isCsrfCookieValue, newCsrfCookieValue } from './csrf';
import { CsrfGuard } from './csrf.guard';
import { CsrfRejectedException } from './page';

const KEY = 'k'.repeat(32);

describe('csrf tokens', () => {
  it('makes 32-byte base64url cookie values, different every time', () => {
    const a = newCsrfCookieValue();
    expect(isCsrfCookieValue(a)).toBe(true);
    expect(newCsrfCookieValue()).not.toBe(a);
  });

  it('derives the token as HMAC-SHA256(key, cookie) in base64url', () => {
    expect(csrfTokenFor(KEY, 'A'.repeat(43))).toBe('XKmPkbURfV5h9HK89Aj3mDXVDtn8mheGgJAjZo1e1eI');
  });

  it('matches only the token of this cookie under this key', () => {
    const cookie = newCsrfCookieValue();
    const token = csrfTokenFor(KEY, cookie);
    expect(csrfTokenMatches(KEY, cookie, token)).toBe(true);
    expect(csrfTokenMatches('x'.repeat(32), cookie, token)).toBe(false);
    expect(csrfTokenMatches(KEY, newCsrfCookieValue(), token)).toBe(false);
    expect(csrfTokenMatches(KEY, cookie, token.slice(1))).toBe(false);
    expect(csrfTokenMatches(KEY, cookie, `${token}=`)).toBe(false);
  });

  it.each([
    ['no cookie', undefined, 'x'],
    ['a short cookie', 'abc', csrfTokenFor(KEY, 'abc')],
    ['no token', 'A'.repeat(43), undefined],
    ['a repeated token', 'A'.repeat(43), [csrfTokenFor(KEY, 'A'.repeat(43))]],
    ['a huge token', 'A'.repeat(43), 'x'.repeat(10_000)],
  ])('refuses %s', (_label, cookie, token) => {
    expect(csrfTokenMatches(KEY, cookie, token)).toBe(false);
  });
});

describe(CsrfGuard.name, () => {
  const config = { COOKIE_SECRET: KEY } as GatewayConfig;
  const cookies = { set: jest.fn(), clear: jest.fn() } as unknown as CookieWriter;
  const sut = new CsrfGuard(new CsrfService(config, cookies));
  const cookie = newCsrfCookieValue();
  const ctx = (req: Partial<FastifyRequest>) => ({ switchToHttp: () => ({ getRequest: () => req }) }) as unknown as ExecutionContext;

  describe('canActivate', () => {
    it('lets safe methods through without a token', () => {
      expect(sut.canActivate(ctx({ method: 'GET', headers: {} }))).toBe(true);
      expect(sut.canActivate(ctx({ method: 'HEAD', headers: {} }))).toBe(true);
    });

    it('lets a POST through when _csrf matches the cv_csrf cookie', () => {
      const req = { method: 'POST', headers: { cookie: `other=1; cv_csrf=${cookie}` }, body: { _csrf: csrfTokenFor(KEY, cookie) } };
      expect(sut.canActivate(ctx(req))).toBe(true);
    });

    it.each([
      ['no body', undefined],
      ['a string body', 'x'],
      ['a wrong token', { _csrf: 'nope' }],
    ])('throws CsrfRejectedException for a POST with %s', (_label, body) => {
      expect(() => sut.canActivate(ctx({ method: 'POST', headers: { cookie: `cv_csrf=${cookie}` }, body }))).toThrow(CsrfRejectedException);
    });

    it('checks PUT, PATCH and DELETE too', () => {
      for (const method of ['PUT', 'PATCH', 'DELETE']) expect(() => sut.canActivate(ctx({ method, headers: {}, body: {} }))).toThrow(CsrfRejectedException);
    });
  });
});
