import { IdentityCmd } from '@carevault/contracts';
import type { RpcClient } from '@carevault/platform';
import type { AccessToken, KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { JWT_ACCESS_TOKEN_MODEL } from './adapter';
import { DEVICE_CODE_GRANT } from './client-metadata';
import type { JwtAccessTokens } from './jwt-tokens';
import type { ExtraClaims } from './token-claims';

type Next = () => Promise<void>;
type Body = Record<string, unknown>;

const isBody = (b: unknown): b is Body => typeof b === 'object' && b !== null && !Buffer.isBuffer(b);

/** API.md's extra members of a token response, from the claims we put in the access token. */
export function tokenResponseFields(grantType: unknown, extra: Partial<ExtraClaims>): Body {
  const scope = extra.scope !== undefined ? { scope: extra.scope } : {};
  if (grantType === 'authorization_code') {
    return { ...scope, person_id: extra.person_id, record_id: extra.record_id, grant_id: extra.grant_id };
  }
  if (grantType === DEVICE_CODE_GRANT || (grantType === 'refresh_token' && extra.record_id)) {
    return { ...scope, instance_id: extra.instance_id ?? null, record_id: extra.record_id, grant_id: extra.grant_id };
  }
  return scope;
}

/**
 * A Koa middleware around oidc-provider's routes: adds our token-response members, remembers the jti of
 * every JWT access token under its grant (so that code or refresh-token reuse denylists it), answers
 * introspection and revocation of JWT access tokens, and writes one log line per request without the
 * query string or body (they carry codes and tokens).
 */
export function tokenEndpointMiddleware(rpc: RpcClient, jwts: JwtAccessTokens, logger: Logger) {
  return async (ctx: KoaContextWithOIDC, next: Next): Promise<void> => {
    const started = performance.now();
    await next();
    const route = ctx.oidc?.route;
    const body: unknown = ctx.body;

    if (route === 'token' && ctx.status === 200 && isBody(body) && typeof body.access_token === 'string') {
      const at = ctx.oidc.entities.AccessToken as AccessToken | undefined;
      const extra = (at?.extra ?? ctx.oidc.entities.ClientCredentials?.extra ?? {}) as Partial<ExtraClaims>;
      ctx.body = { ...body, ...tokenResponseFields(ctx.oidc.params?.grant_type, extra) };
      // oidc-provider does not keep the JWT's exp on the model: expires_in of the answer is the same TTL.
      const expiresIn = Number(body.expires_in);
      // Identity audits the issuance of every marked token (token-issued), the application tokens' too.
      const correlationId = ctx.get('x-correlation-id') || undefined;
      const cc = ctx.oidc.entities.ClientCredentials;
      if (at?.grantId && at.jti && expiresIn > 0) {
        await rpc.request(
          IdentityCmd.OAuthUpsert,
          {
            model: JWT_ACCESS_TOKEN_MODEL,
            id: at.jti,
            payload: { grantId: at.grantId, clientId: at.clientId, exp: Math.floor(Date.now() / 1000) + expiresIn },
            expiresIn,
          },
          { correlationId },
        );
      } else if (cc?.jti && expiresIn > 0) {
        const payload = { clientId: cc.clientId, exp: Math.floor(Date.now() / 1000) + expiresIn };
        await rpc.request(IdentityCmd.OAuthUpsert, { model: JWT_ACCESS_TOKEN_MODEL, id: cc.jti, payload, expiresIn }, { correlationId });
      }
    }

    if ((route === 'introspection' || route === 'revocation') && isBody(body) && body.error === 'unsupported_token_type' && ctx.oidc.client) {
      const token = String(ctx.oidc.params?.token ?? '');
      ctx.status = 200;
      if (route === 'introspection') {
        ctx.body = await jwts.introspect(token, ctx.oidc.client.clientId);
      } else {
        await jwts.revoke(token, ctx.oidc.client.clientId);
        ctx.body = '';
      }
    }

    // Fastify logs the request line; this adds what OAuth decided (never the query or body: codes, tokens).
    const error = isBody(ctx.body) && typeof ctx.body.error === 'string' ? ctx.body.error : undefined;
    logger[error || ctx.status >= 400 ? 'info' : 'debug'](
      {
        req: { method: ctx.method, path: ctx.path },
        res: { statusCode: ctx.status },
        oauth: { route, clientId: ctx.oidc?.client?.clientId, error },
        responseTimeMs: Math.round((performance.now() - started) * 10) / 10,
      },
      'oauth request',
    );
  };
}
