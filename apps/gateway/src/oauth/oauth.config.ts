import { ConfigError } from '@carevault/platform';
import { type JsonWebKey, type KeyObject, createHash, createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import type { GatewayConfig } from '../config';

/** What the OAuth server needs from the environment, derived once at boot. */
export interface OAuthSettings {
  /** PUBLIC_URL: an origin, no path. */
  issuer: string;
  /** `<PUBLIC_URL>/api`: the resource indicator and the `aud` of every access token. */
  audience: string;
  /** The private JWK (ES256) with its RFC 7638 thumbprint as `kid`. */
  signingJwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };
  /** For verifying our own tokens at introspection and revocation. */
  publicKey: KeyObject;
  /** Keys of oidc-provider's signed cookies, derived from COOKIE_SECRET. */
  cookieKeys: string[];
}

const PROBLEM = 'TOKEN_SIGNING_KEY is required while OAuth is on: a PKCS8 PEM (or JWK) of an EC P-256 private key';

/** A PKCS8 PEM or a private JWK (JSON) of an EC P-256 key, as TOKEN_SIGNING_KEY may hold (k8s/secret.yaml). */
export function parseSigningKey(value: string): KeyObject {
  const text = value.trim().replace(/\\n/g, '\n');
  const key = text.startsWith('{')
    ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' })
    : createPrivateKey({ key: text, format: 'pem' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('not an EC P-256 private key');
  }
  return key;
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC public key. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function envFlag(config: GatewayConfig, name: string): string | undefined {
  const value = (config as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * OAuth is on in production, whenever TOKEN_SIGNING_KEY is set, or with OAUTH_ENABLED=true; then the key
 * is required and must parse. OAUTH_ENABLED=false turns it off (gateway tests that fake every service).
 */
export function oauthEnabled(config: GatewayConfig): boolean {
  const flag = envFlag(config, 'OAUTH_ENABLED');
  if (flag === 'false') return false;
  return flag === 'true' || config.NODE_ENV === 'production' || Boolean(config.TOKEN_SIGNING_KEY);
}

export function loadOAuthSettings(config: GatewayConfig): OAuthSettings {
  if (!config.TOKEN_SIGNING_KEY) throw new ConfigError('gateway', [PROBLEM]);
  let key: KeyObject;
  try {
    key = parseSigningKey(config.TOKEN_SIGNING_KEY);
  } catch (err) {
    throw new ConfigError('gateway', [`${PROBLEM} (${(err as Error).message})`]);
  }
  const jwk = key.export({ format: 'jwk' });
  const issuer = new URL(config.PUBLIC_URL).origin;
  const cookieKey = (label: string) => createHmac('sha256', config.COOKIE_SECRET).update(`oidc-provider cookies ${label}`).digest('base64url');
  return {
    issuer,
    audience: `${issuer}/api`,
    signingJwk: { ...jwk, kid: jwkThumbprint(jwk), alg: 'ES256', use: 'sig' },
    publicKey: createPublicKey(key),
    cookieKeys: [cookieKey('v1')],
  };
}
