import { loggerOptions } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import { GatewayLogController, correlationIdOf } from './http-logging';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino(loggerOptions('gateway', 'debug'), stream) };
}

describe(GatewayLogController.name, () => {
  const sut = new GatewayLogController();

  describe('requestCompleted', () => {
    it('logs one line with path, status and headers, without the query and with credentials masked', () => {
      const { lines, logger } = capture();
      const request = {
        method: 'POST',
        url: '/signin?code=secret-code',
        ip: '127.0.0.1',
        headers: { authorization: 'Bearer operator-token', cookie: 'cv_session=session-token', 'user-agent': 'test', 'x-other': 'not logged' },
        log: logger,
      } as unknown as FastifyRequest;
      sut.requestCompleted(null, request, { statusCode: 303, elapsedTime: 1.23 } as FastifyReply);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        msg: 'request completed',
        method: 'POST',
        path: '/signin',
        statusCode: 303,
        headers: { authorization: '[redacted]', cookie: '[redacted]', 'user-agent': 'test' },
      });
      const text = JSON.stringify(lines);
      expect(text).not.toMatch(/operator-token|session-token|secret-code|x-other/);
    });

    it('logs successful probes at debug', () => {
      const { lines, logger } = capture();
      sut.requestCompleted(null, { method: 'GET', url: '/healthz', headers: {}, log: logger } as unknown as FastifyRequest, { statusCode: 200, elapsedTime: 1 } as FastifyReply);
      expect(lines[0]?.level).toBe('debug');
    });
  });
});

describe('correlationIdOf', () => {
  it('keeps a well-formed caller id and replaces anything else with a UUID', () => {
    expect(correlationIdOf({ headers: { 'x-correlation-id': 'req-1.a:b' } } as never)).toBe('req-1.a:b');
    expect(correlationIdOf({ headers: { 'x-correlation-id': 'a\nb' } } as never)).toMatch(/^[0-9a-f-]{36}$/);
    expect(correlationIdOf({ headers: { 'x-correlation-id': 'x'.repeat(65) } } as never)).toMatch(/^[0-9a-f-]{36}$/);
    expect(correlationIdOf({ headers: {} } as never)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
