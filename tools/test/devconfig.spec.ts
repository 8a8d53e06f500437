import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSigningKey, generateSecret, isPrivateKeyPem, parsePort, serviceEnv, servicesNotUp, SERVICES } from '../lib/devconfig.cjs';

describe('development configuration of tools/start.mjs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cvtools-devconfig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('generateSecret', () => {
    it('gives 32 random bytes as base64url, different every time', () => {
      const a = generateSecret();
      expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(a, 'base64url')).toHaveLength(32);
      expect(generateSecret()).not.toBe(a);
    });
  });

  describe('ensureSigningKey', () => {
    it('creates an EC P-256 PKCS#8 key with mode 0600 and reuses it afterwards', () => {
      const file = join(dir, 'sub/dev-signing-key.pem');
      const first = ensureSigningKey(file);
      expect(first.created).toBe(true);
      expect(first.pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const key = createPrivateKey(first.pem);
      expect(key.asymmetricKeyType).toBe('ec');
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(statSync(file).mode & 0o777).toBe(0o600);

      const second = ensureSigningKey(file);
      expect(second).toEqual({ pem: first.pem, created: false });
    });

    it('refuses a file that is not a key rather than replace it silently', () => {
      const file = join(dir, 'key.pem');
      writeFileSync(file, 'garbage');
      expect(() => ensureSigningKey(file)).toThrow(/not a PEM private key/);
      expect(readFileSync(file, 'utf8')).toBe('garbage');
    });

    it('tightens the mode of an existing key file', () => {
      const file = join(dir, 'key.pem');
      const { pem } = ensureSigningKey(file);
      writeFileSync(file, pem, { mode: 0o644 });
      chmodSync(file, 0o644);
      ensureSigningKey(file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });
  });

  describe('isPrivateKeyPem', () => {
    it('tells a private key from other text', () => {
      expect(isPrivateKeyPem(ensureSigningKey(join(dir, 'k.pem')).pem)).toBe(true);
      expect(isPrivateKeyPem('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----')).toBe(false);
    });
  });

  describe('parsePort', () => {
    it('defaults to 8080 and reads a number', () => {
      expect(parsePort(undefined)).toBe(8080);
      expect(parsePort('')).toBe(8080);
      expect(parsePort('3000')).toBe(3000);
    });

    it.each(['0', '65536', 'http', '80.5', '-1'])('rejects %p', (value) => {
      expect(() => parsePort(value)).toThrow(/PORT must be a port number/);
    });
  });

  describe('serviceEnv', () => {
    it('gives PORT to the gateway only', () => {
      const base = { PORT: '9999', NATS_URL: 'nats://x' };
      expect(serviceEnv('gateway', base, 8080)).toEqual({ PORT: '8080', NATS_URL: 'nats://x', NODE_OPTIONS: '--max-semi-space-size=8' });
      expect(serviceEnv('identity', base, 8080)).toEqual({ NATS_URL: 'nats://x' });
      expect(base.PORT).toBe('9999');
    });

    it("adds a service's own V8 flags after the NODE_OPTIONS it inherits", () => {
      expect(serviceEnv('record-store', { NATS_URL: 'nats://x' }, 8080)).toEqual({ NATS_URL: 'nats://x', NODE_OPTIONS: '--max-semi-space-size=4' });
      expect(serviceEnv('record-store', { NODE_OPTIONS: '--enable-source-maps' }, 8080).NODE_OPTIONS).toBe('--enable-source-maps --max-semi-space-size=4');
      expect(serviceEnv('identity', { NODE_OPTIONS: '--enable-source-maps' }, 8080).NODE_OPTIONS).toBe('--enable-source-maps');
      expect(serviceEnv('identity', {}, 8080).NODE_OPTIONS).toBeUndefined();
    });
  });

  describe('servicesNotUp', () => {
    it("reads the gateway's { status, services: { name: { status, checks, error } } } with the reason", () => {
      const entry = (service: string) => {
        if (service === 'audit') return { service, status: 'down', error: 'timed out' };
        if (service === 'record-store') return { service, status: 'degraded', checks: { database: 'down', nats: 'up' } };
        return { service, status: 'up', checks: { nats: 'up' } };
      };
      const health = { status: 'down', services: Object.fromEntries(SERVICES.map((n: string) => [n, entry(n)])) };
      expect(servicesNotUp(health)).toEqual([
        { service: 'record-store', state: 'degraded', detail: 'database down' },
        { service: 'audit', state: 'down', detail: 'timed out' },
      ]);
    });

    it('reads an array of { service, status } and booleans', () => {
      const health = { services: [{ service: 'identity', status: 'up' }, { name: 'consent', up: false }] };
      expect(servicesNotUp(health, ['identity', 'consent', 'audit'])).toEqual([
        { service: 'consent', state: 'down' },
        { service: 'audit', state: 'not listed' },
      ]);
    });

    it('reads a flat map of checks, with degraded counting as not up', () => {
      expect(servicesNotUp({ checks: { identity: 'ok', consent: 'degraded' } }, ['identity', 'consent'])).toEqual([{ service: 'consent', state: 'degraded' }]);
      expect(servicesNotUp({ identity: true, consent: true }, ['identity', 'consent'])).toEqual([]);
    });

    it('says every service is not listed for an answer it cannot read', () => {
      expect(servicesNotUp('nonsense', ['identity'])).toEqual([{ service: 'identity', state: 'not listed' }]);
    });
  });
});
