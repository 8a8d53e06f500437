import { ConfigError } from '@carevault/platform';
import { generateKeyPairSync } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { loadOAuthSettings, oauthEnabled, parseSigningKey } from './oauth.config';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const pem = ec.export({ type: 'pkcs8', format: 'pem' }).toString();
const config = (o: Partial<GatewayConfig> & Record<string, unknown> = {}) =>
  ({ PUBLIC_URL: 'https://carevault.example', COOKIE_SECRET: 'x'.repeat(32), ...o }) as unknown as GatewayConfig;

describe(loadOAuthSettings.name, () => {
  it('derives issuer, audience, the ES256 JWK with an RFC 7638 kid, and the public key', () => {
    const s = loadOAuthSettings(config({ TOKEN_SIGNING_KEY: pem }));
    expect(s).toMatchObject({ issuer: 'https://carevault.example', audience: 'https://carevault.example/api' });
    expect(s.signingJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(s.publicKey.type).toBe('public');
    expect(loadOAuthSettings(config({ TOKEN_SIGNING_KEY: pem })).signingJwk.kid).toBe(s.signingJwk.kid);
  });

  it('accepts the key as a JWK too', () => {
    const jwk = JSON.stringify(ec.export({ format: 'jwk' }));
    expect(loadOAuthSettings(config({ TOKEN_SIGNING_KEY: jwk })).signingJwk.kid).toBe(loadOAuthSettings(config({ TOKEN_SIGNING_KEY: pem })).signingJwk.kid);
  });

  it('fails with one ConfigError when the key is missing or not EC P-256', () => {
    expect(() => loadOAuthSettings(config())).toThrow(ConfigError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadOAuthSettings(config({ TOKEN_SIGNING_KEY: rsa }))).toThrow(/TOKEN_SIGNING_KEY is required/);
    expect(() => parseSigningKey('not a key')).toThrow();
  });
});

describe(oauthEnabled.name, () => {
  it('is on with a key, in production, or when asked; off when told or with nothing', () => {
    expect(oauthEnabled(config({ TOKEN_SIGNING_KEY: pem }))).toBe(true);
    expect(oauthEnabled(config({ NODE_ENV: 'production' }))).toBe(true);
    expect(oauthEnabled(config({ OAUTH_ENABLED: 'true' }))).toBe(true);
    expect(oauthEnabled(config({ TOKEN_SIGNING_KEY: pem, OAUTH_ENABLED: 'false' }))).toBe(false);
    expect(oauthEnabled(config())).toBe(false);
  });
});
