import type { ExecutionContext } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import type { GatewayConfig } from '../config';
import { ProblemException } from '../errors/problem.exception';
import { AdminTokenGuard, tokenEquals } from './admin-token.guard';

describe(AdminTokenGuard.name, () => {
  const token = 'operator-token-0123456789';
  const sut = new AdminTokenGuard({ ADMIN_TOKEN: token } as GatewayConfig);
  const ctx = (authorization?: string) =>
    ({ switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }) }) as unknown as ExecutionContext;

  describe('canActivate', () => {
    it('accepts the operator token as a bearer token, scheme in any case', () => {
      expect(sut.canActivate(ctx(`Bearer ${token}`))).toBe(true);
      expect(sut.canActivate(ctx(`bearer ${token}`))).toBe(true);
    });

    it.each([undefined, '', 'Bearer', `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, token, `Bearer ${token} extra`])(
      'answers UNAUTHENTICATED for %p',
      (authorization) => {
        let caught: unknown;
        try {
          sut.canActivate(ctx(authorization));
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(ProblemException);
        expect((caught as ProblemException).code).toBe(ErrorCode.UNAUTHENTICATED);
      },
    );
  });

  it('tokenEquals compares whole values of any length', () => {
    expect(tokenEquals('abc', 'abc')).toBe(true);
    expect(tokenEquals('abc', 'abcd')).toBe(false);
    expect(tokenEquals('', 'abc')).toBe(false);
  });
});
