import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CsrfService } from './csrf';
import { CsrfRejectedException } from './page';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The one CSRF check of the web pages: every state-changing request carries `_csrf` matching its cv_csrf cookie. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly csrf: CsrfService) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE_METHODS.has(req.method) || this.csrf.verify(req)) return true;
    throw new CsrfRejectedException();
  }
}
