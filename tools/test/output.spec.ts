import { PassThrough } from 'node:stream';
import { formatDuration, formatLogLine, formatPinoEntry, forEachLine, makePrefix, maskUrl, parsePinoLine } from '../lib/output.cjs';

describe('output helpers of tools/start.mjs', () => {
  describe('maskUrl', () => {
    it('hides a PostgreSQL password and keeps the rest', () => {
      expect(maskUrl('postgres://app:s3cr%40t@db.example:5432/carevault?sslmode=require')).toBe(
        'postgres://app:***@db.example:5432/carevault?sslmode=require',
      );
    });

    it('leaves a URL without a password as it is', () => {
      expect(maskUrl('postgres://root@127.0.0.1:5432/carevault')).toBe('postgres://root@127.0.0.1:5432/carevault');
    });

    it('hides a NATS token (a user name without a password) in every URL of a list', () => {
      expect(maskUrl('nats://tok3n@a:4222,nats://u:p@b:4222')).toBe('nats://***@a:4222,nats://u:***@b:4222');
    });

    it('hides secret query parameters', () => {
      expect(maskUrl('postgres://h/db?password=x&sslpassword=y&application_name=z')).toBe('postgres://h/db?password=***&sslpassword=***&application_name=z');
    });

    it('still hides the password of something that is not a valid URL', () => {
      expect(maskUrl('postgres://user:pa ss@host:port/db')).toBe('postgres://user:***@host:port/db');
    });
  });

  describe('parsePinoLine', () => {
    it('reads a pino JSON line', () => {
      expect(parsePinoLine('{"level":"info","time":"2026-01-01T00:00:00.000Z","msg":"hi"}')).toEqual({
        level: 'info',
        time: '2026-01-01T00:00:00.000Z',
        msg: 'hi',
      });
    });

    it.each(['plain text', '{"not":"pino"}', '[1,2]', '{broken', ''])('returns undefined for %p', (line) => {
      expect(parsePinoLine(line)).toBeUndefined();
    });
  });

  describe('formatPinoEntry', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();

    it('prints time, level, message and a few fields, leaving out the usual ones', () => {
      const line = formatPinoEntry({ level: 30, time, pid: 1, hostname: 'h', service: 'gateway', msg: 'listening', port: 8080, context: 'NestApplication' });
      expect(line).toBe('03:04:05.006 INFO  listening (NestApplication) port=8080');
    });

    it('reads label levels and ISO times, and shows the request and response', () => {
      const entry = { level: 'warn', time: new Date(time).toISOString(), msg: 'request completed', req: { method: 'GET', url: '/health' }, res: { statusCode: 503 } };
      expect(formatPinoEntry(entry)).toBe('03:04:05.006 WARN  request completed GET /health → 503');
    });

    it('adds the error and, for errors, its stack indented', () => {
      const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (a.js:1:1)\n    at g (b.js:2:2)' };
      expect(formatPinoEntry({ level: 50, time, msg: 'failed', err }).split('\n')).toEqual([
        '03:04:05.006 ERROR failed Error: boom',
        '    at f (a.js:1:1)',
        '    at g (b.js:2:2)',
      ]);
    });

    it('shortens long values and shows at most six extra fields', () => {
      const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, i]));
      const line = formatPinoEntry({ level: 30, time, msg: 'm', ...many, long: 'x'.repeat(500) });
      expect(line).toBe('03:04:05.006 INFO  m f0=0 f1=1 f2=2 f3=3 f4=4 f5=5');
      expect(formatPinoEntry({ level: 30, time, msg: 'm', long: 'x'.repeat(500) }).length).toBeLessThan(160);
    });

    it('colors only when asked', () => {
      expect(formatPinoEntry({ level: 30, time, msg: 'm' }, { color: true })).toContain('\u001b[');
      expect(formatPinoEntry({ level: 30, time, msg: 'm' })).not.toContain('\u001b[');
    });
  });

  describe('formatLogLine', () => {
    const json = '{"level":30,"time":0,"msg":"hello"}';

    it('passes lines through as they are unless pretty', () => {
      expect(formatLogLine(json, { pretty: false })).toBe(json);
    });

    it('formats pino lines when pretty and leaves other lines alone', () => {
      expect(formatLogLine(json, { pretty: true })).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  hello$/);
      expect(formatLogLine('    at stack (frame.js:1:1)', { pretty: true })).toBe('    at stack (frame.js:1:1)');
    });
  });

  describe('makePrefix', () => {
    const names = ['gateway', 'connect-request'];

    it('pads every name to the same width', () => {
      expect(makePrefix('gateway', names, 0, false)).toBe('[gateway]         ');
      expect(makePrefix('connect-request', names, 1, false)).toBe('[connect-request] ');
    });

    it('gives different services different colors', () => {
      expect(makePrefix('gateway', names, 0, true)).not.toBe(makePrefix('gateway', names, 1, true));
      expect(makePrefix('gateway', names, 0, true)).toContain('[gateway]');
    });
  });

  describe('forEachLine', () => {
    it('joins chunks into lines and gives the unterminated rest at the end', async () => {
      const stream = new PassThrough();
      const lines: string[] = [];
      forEachLine(stream, (l: string) => lines.push(l));
      stream.write('one\r\ntw');
      stream.write('o\nthree');
      stream.end();
      await new Promise((r) => stream.on('end', r));
      expect(lines).toEqual(['one', 'two', 'three']);
    });
  });

  describe('formatDuration', () => {
    it('says ms below a second and seconds with one decimal above', () => {
      expect(formatDuration(850.4)).toBe('850 ms');
      expect(formatDuration(4240)).toBe('4.2 s');
    });
  });
});
