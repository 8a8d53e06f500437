import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import { ErrorCode, type HttpProblem, PROBLEM_CONTENT_TYPE } from '@carevault/contracts';
import { PINO_LOGGER, RpcError } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { type Classified, classify } from './classify';
import { toProblem } from './problem';

/** The last word on every failed request outside the web pages: an RFC 9457 problem. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(PINO_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const classified = classify(exception);
    logFailure(this.logger, classified, exception, http.getRequest<FastifyRequest>());
    sendProblem(http.getResponse<FastifyReply>(), toProblem(classified));
  }
}

export function logFailure(logger: Logger, c: Classified, exception: unknown, req: FastifyRequest): void {
  const where = { reqId: req.id, method: req.method, path: req.url.split('?')[0] };
  if (c.unexpected) {
    logger.error({ ...where, errorId: c.errorId, err: exception }, 'request failed');
  } else if (c.code === ErrorCode.INTERNAL || c.code === ErrorCode.UNAVAILABLE) {
    const message = exception instanceof RpcError ? exception.message : undefined;
    logger.warn({ ...where, code: c.code, errorId: c.errorId, cause: message }, 'a service failed the request');
  }
}

export function sendProblem(reply: FastifyReply, problem: HttpProblem): void {
  if (reply.sent) return;
  reply.status(problem.status).header('content-type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`).header('cache-control', 'no-store');
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="carevault"');
  if (problem.status === 503) reply.header('retry-after', '5');
  void reply.send(JSON.stringify(problem));
}
