import { type AccessTokenClaims, ConsentCmd, ErrorCode, IdentityCmd } from '@carevault/contracts';
import { type RpcClient, RpcError } from '@carevault/platform';
import { jwtVerify } from 'jose';
import type { OAuthSettings } from './oauth.config';

/**
 * oidc-provider answers `unsupported_token_type` for structured (JWT) access tokens at introspection and
 * revocation; the client is authenticated by then, so we answer for JWTs ourselves (as the prototype did).
 */
export class JwtAccessTokens {
  constructor(
    private readonly rpc: RpcClient,
    private readonly settings: Pick<OAuthSettings, 'issuer' | 'audience' | 'publicKey'>,
  ) {}

  /** Our signature, issuer, audience and type, not expired; null otherwise. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.settings.publicKey, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      return payload as unknown as AccessTokenClaims;
    } catch {
      return null;
    }
  }

  /** RFC 7662: active only for the client's own token that is not revoked, whose session and consent grant live on. */
  async introspect(token: string, clientId: string): Promise<Record<string, unknown>> {
    const claims = await this.verify(token);
    if (!claims || claims.client_id !== clientId) return { active: false };
    const [revoked, sessionActive, grantActive] = await Promise.all([
      this.rpc.request(IdentityCmd.OAuthJtiStatus, { jti: claims.jti }).then((r) => r.revoked),
      claims.sid ? this.rpc.request(IdentityCmd.SessionStatus, { sessionId: claims.sid }).then((r) => r.active) : Promise.resolve(claims.cv_mode === 'offline'),
      claims.grant_id ? this.grantActive(claims.grant_id) : Promise.resolve(true),
    ]);
    if (revoked || !sessionActive || !grantActive) return { active: false };
    return { ...claims, active: true, token_type: 'Bearer' };
  }

  /** RFC 7009: the client's own token goes on the denylist; anything else is ignored (and still answered 200). */
  async revoke(token: string, clientId: string): Promise<boolean> {
    const claims = await this.verify(token);
    if (!claims || claims.client_id !== clientId) return false;
    await this.rpc.request(IdentityCmd.OAuthRevokeJti, { jti: claims.jti, clientId, exp: claims.exp });
    return true;
  }

  private async grantActive(grantId: string): Promise<boolean> {
    try {
      return (await this.rpc.request(ConsentCmd.GetGrant, { grantId })).state === 'active';
    } catch (err) {
      if (err instanceof RpcError && (err.code === ErrorCode.NOT_FOUND || err.code === ErrorCode.VALIDATION_FAILED)) return false;
      throw err;
    }
  }
}
