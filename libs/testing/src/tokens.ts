import type { AccessTokenClaims } from '@carevault/contracts';
import { createPrivateKey, randomUUID } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as typeof import('jose');

export type TokenClaims = Omit<AccessTokenClaims, 'iss' | 'aud' | 'exp' | 'iat' | 'jti'> & Partial<Pick<AccessTokenClaims, 'exp' | 'jti'>>;

/**
 * Signs an access token the way the gateway's OAuth server does (ES256, at+jwt, issuer and audience of
 * the running platform), for system tests of the partner API that do not go through a browser flow.
 */
export async function mintAccessToken(p: { env: Record<string, string>; baseUrl: string }, claims: TokenClaims): Promise<string> {
  const key = createPrivateKey(p.env.TOKEN_SIGNING_KEY!);
  const issuer = p.env.PUBLIC_URL ?? p.baseUrl;
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ ...claims, jti: claims.jti ?? randomUUID() } as unknown as import('jose').JWTPayload)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
    .setIssuer(issuer)
    .setAudience(`${issuer}/api`)
    .setIssuedAt(now)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(key);
}
