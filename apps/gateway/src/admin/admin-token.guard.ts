import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import { SERVICE_CONFIG } from '@carevault/platform';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { ProblemException } from '../errors/problem.exception';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Equal-length digests, so the comparison takes the same time whatever the token's length or first wrong byte. */
export function tokenEquals(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The operator API: `Authorization: Bearer <ADMIN_TOKEN>`, else 401 UNAUTHENTICATED. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: GatewayConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer +([\x21-\x7e]+) *$/i.exec(header) : null;
    if (match?.[1] && tokenEquals(match[1], this.config.ADMIN_TOKEN)) return true;
    throw new ProblemException(ErrorCode.UNAUTHENTICATED, 'The operator API needs Authorization: Bearer <operator token>.');
  }
}
