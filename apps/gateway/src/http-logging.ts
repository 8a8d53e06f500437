import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const LOGGED_HEADERS = ['user-agent', 'content-type', 'content-length', 'authorization', 'cookie', CORRELATION_HEADER];
const PROBES = new Set(['/healthz', '/health']);

/** The request id is the correlation id carried into NATS headers: the caller's, if it looks like one, else a new UUID. */
export function correlationIdOf(req: IncomingMessage): string {
  const given = req.headers[CORRELATION_HEADER];
  return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
}

const pathOf = (req: FastifyRequest) => req.url.split('?')[0] ?? '/';

/**
 * What a request log line shows, at the top level of the line (fastify's `req` serializer would drop it):
 * no query string (it can carry codes); `headers.authorization` and `headers.cookie` are masked by the redact list.
 */
export function requestSummary(req: FastifyRequest): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_HEADERS) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
  return { method: req.method, path: pathOf(req), headers, remoteAddress: req.ip };
}

/** One line per request, once it is answered (instead of Fastify's two); probes that succeed log at debug. */
export class GatewayLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { ...requestSummary(request), statusCode: reply.statusCode, responseTimeMs: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else if (PROBES.has(pathOf(request)) && reply.statusCode < 400) request.log.debug(line, 'request completed');
    else request.log.info(line, 'request completed');
  }
}

/** Every answer names its correlation id, errors included. */
export function installCorrelationHeader(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header(CORRELATION_HEADER, req.id);
    done();
  });
}
