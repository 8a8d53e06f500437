import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../errors/problem.exception';
import type { Caller } from '../partner-api/access-token.verifier';
import { PartnerAccessService } from '../partner-api/partner-access.service';

const callers = new WeakMap<FastifyRequest, Caller>();

/**
 * Lets through only the application itself (a client_credentials token: offline, no person, record or
 * device instance): 401 without a valid token, 403 for user and device tokens. Runs before the body
 * is validated, so an unauthenticated caller learns nothing about the body rules.
 */
@Injectable()
export class ApplicationTokenGuard implements CanActivate {
  constructor(private readonly access: PartnerAccessService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const caller = await this.access.authenticate(req);
    if (caller.mode !== 'offline' || caller.personId || caller.recordId || caller.instanceId) {
      throw new ProblemException(ErrorCode.ACCESS_DENIED, 'Patient Connect takes an application token (grant_type=client_credentials).');
    }
    callers.set(req, caller);
    return true;
  }
}

/** The application ApplicationTokenGuard let through. */
export const CallingApp = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = callers.get(ctx.switchToHttp().getRequest<FastifyRequest>());
  if (!caller) throw new Error('@CallingApp() needs @UseGuards(ApplicationTokenGuard)');
  return caller;
});
