import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED, SECRET_KEYS, loggerOptions, redactSecrets } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, text, logger: pino(loggerOptions('test', 'debug'), stream) };
}

describe('log redaction', () => {
  it('masks every secret name at the top level and one level down, and nothing else', () => {
    const { lines, text, logger } = capture();
    for (const name of SECRET_KEYS) {
      logger.info({ [name]: `top-${name}-canary`, body: { [name]: `nested-${name}-canary`, keep: 'visible' }, other: 1 }, 'line');
    }
    expect(lines).toHaveLength(SECRET_KEYS.size);
    for (const [i, name] of [...SECRET_KEYS].entries()) {
      expect(lines[i]).toMatchObject({ [name]: REDACTED, body: { [name]: REDACTED, keep: 'visible' }, other: 1 });
    }
    expect(text.join('')).not.toContain('canary');
  });

  it('masks credential headers under headers, req.headers and res.headers', () => {
    const { lines, logger } = capture();
    logger.info({ headers: { authorization: 'Bearer a', cookie: 'c=1', 'user-agent': 'ua' } });
    logger.info({ req: { method: 'GET', headers: { authorization: 'Bearer b', cookie: 'c=2' } }, res: { headers: { 'set-cookie': 's=3' } } });
    expect(lines[0]).toMatchObject({ headers: { authorization: REDACTED, cookie: REDACTED, 'user-agent': 'ua' } });
    expect(lines[1]).toMatchObject({ req: { method: 'GET', headers: { authorization: REDACTED, cookie: REDACTED } }, res: { headers: { 'set-cookie': REDACTED } } });
  });

  it('masks secret names in child bindings too', () => {
    const { lines, logger } = capture();
    logger.child({ sessionToken: 'binding-canary', reqId: 'r1' }).info('hello');
    expect(lines[0]).toMatchObject({ sessionToken: REDACTED, reqId: 'r1', msg: 'hello', service: 'test' });
  });

  it("never changes the caller's objects, and keeps an Error an Error (message and stack logged)", () => {
    const { lines, logger } = capture();
    const body = { password: 'secret-1', name: 'n' };
    const err = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
    const fields = { body, err };
    logger.error(fields, 'failed');
    expect(body.password).toBe('secret-1');
    expect(err.code).toBe('ECONNREFUSED');
    expect(fields.body).toBe(body);
    expect(lines[0]).toMatchObject({ body: { password: REDACTED, name: 'n' }, err: { message: 'connect failed', code: REDACTED } });
    expect(String((lines[0]!.err as { stack: string }).stack)).toContain('connect failed');
  });

  it('answers the same object when there is nothing to mask (no copy on the hot path)', () => {
    const fields = { method: 'GET', path: '/x', headers: { 'user-agent': 'ua' }, statusCode: 200 };
    expect(redactSecrets(fields)).toBe(fields);
  });

  it('leaves deeper levels and arrays as pino did with `name` and `*.name` paths', () => {
    const fields = { a: { b: { password: 'deep' } }, list: [{ password: 'in-array' }] };
    expect(redactSecrets(fields)).toBe(fields);
  });
});
