import { type AccessTokenClaims, ErrorCode } from '@carevault/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@carevault/platform';
import { type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import type { GatewayConfig } from '../config';
import { ProblemException } from '../errors/problem.exception';

// jose is ESM-only; Node 20.19+ loads it with require(esm).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jose = require('jose') as typeof import('jose');

/** Who is calling the partner API, from a verified access token. */
export interface Caller {
  appId: string;
  clientId: string;
  mode: 'online' | 'offline';
  personId: string | null;
  /** Online and device tokens are bound to one record. */
  recordId: string | null;
  grantId: string | null;
  sessionId: string | null;
  instanceId: string | null;
  jti: string;
  expiresAt: number;
}

const unauthenticated = (detail: string) => new ProblemException(ErrorCode.UNAUTHENTICATED, detail);

/**
 * Verifies access tokens locally (ES256 JWT, our issuer and audience): no round trip on the hot path.
 * Verified tokens are remembered until they expire, so a token is checked cryptographically once.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly key: KeyObject | null;
  private readonly issuer: string;
  private readonly audience: string;
  private readonly verified = new Map<string, Caller>();

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig) {
    this.key = config.TOKEN_SIGNING_KEY ? createPublicKey(createPrivateKey(config.TOKEN_SIGNING_KEY)) : null;
    this.issuer = config.PUBLIC_URL;
    this.audience = `${config.PUBLIC_URL}/api`;
  }

  async verify(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/.exec(authorization ?? '');
    if (!match) throw unauthenticated('Send an access token: Authorization: Bearer <token>.');
    const token = match[1]!;
    const now = Math.floor(Date.now() / 1000);
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt > now) return known;
      this.verified.delete(token);
    }
    if (!this.key) throw unauthenticated('This gateway issues no tokens (TOKEN_SIGNING_KEY is not set).');
    let claims: AccessTokenClaims;
    try {
      const { payload } = await jose.jwtVerify(token, this.key, {
        issuer: this.issuer,
        audience: this.audience,
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      claims = payload as unknown as AccessTokenClaims;
    } catch {
      throw unauthenticated('The access token is not valid or has expired.');
    }
    const caller = toCaller(claims);
    if (this.verified.size > 100_000) this.verified.clear();
    this.verified.set(token, caller);
    return caller;
  }
}

export function toCaller(c: AccessTokenClaims): Caller {
  if (typeof c.app_id !== 'string' || typeof c.client_id !== 'string' || (c.cv_mode !== 'online' && c.cv_mode !== 'offline') || typeof c.jti !== 'string') {
    throw unauthenticated('The access token is not valid or has expired.');
  }
  if (c.cv_mode === 'online' && (!c.sid || !c.record_id || !c.person_id)) {
    throw unauthenticated('The access token is not valid or has expired.');
  }
  return {
    appId: c.app_id,
    clientId: c.client_id,
    mode: c.cv_mode,
    personId: c.person_id ?? null,
    recordId: c.record_id ?? null,
    grantId: c.grant_id ?? null,
    sessionId: c.sid ?? null,
    instanceId: c.instance_id ?? null,
    jti: c.jti,
    expiresAt: c.exp,
  };
}
