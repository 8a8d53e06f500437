import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../errors/problem.exception';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** JSON APIs take JSON: a body of any other type is a 415 (the form parser would otherwise accept it). */
@Injectable()
export class JsonContentGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const type = req.headers['content-type'];
    if (type === undefined || JSON_TYPE.test(type)) return true;
    throw new ProblemException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json.');
  }
}
