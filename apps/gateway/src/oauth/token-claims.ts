import { type AccessTokenClaims, ConsentCmd, ErrorCode, IdentityCmd } from '@carevault/contracts';
import { type RpcClient, RpcError } from '@carevault/platform';
import type { AccessToken, ClientCredentials, JWTStructured, KoaContextWithOIDC } from 'oidc-provider';
import { errors } from './oidc';
import { CLIENT_APP_ID, CLIENT_SYSTEM_SCOPE } from './client-metadata';
import { findGrantBinding } from './grant-binding';
import { modesFor, smartScope } from './scopes';

/** The Carevault claims oidc-provider adds to a token (`token.extra`) besides iss, aud, exp, iat, jti, client_id and sub. */
export type ExtraClaims = Omit<AccessTokenClaims, 'iss' | 'aud' | 'exp' | 'iat' | 'jti' | 'client_id' | 'sub'>;

const refused = (detail: string) => new errors.InvalidGrant({ detail });

async function consentGrant(rpc: RpcClient, grantId: string) {
  try {
    return await rpc.request(ConsentCmd.GetGrant, { grantId });
  } catch (err) {
    if (err instanceof RpcError && err.code === ErrorCode.NOT_FOUND) return null;
    throw err;
  }
}

/**
 * extraTokenClaims: application tokens name the application; user and device tokens name the person,
 * record and consent grant they stand for. A token is refused (invalid_grant) when its consent grant was
 * revoked, its device instance disconnected or, for an online token, its Carevault session ended since
 * the person approved.
 */
export function extraTokenClaims(rpc: RpcClient) {
  return async (_ctx: KoaContextWithOIDC, token: AccessToken | ClientCredentials): Promise<ExtraClaims | undefined> => {
    const metadata: Record<string, unknown> = token.client?.metadata() ?? {};
    const appId = String(metadata[CLIENT_APP_ID] ?? '');
    if (token.kind === 'ClientCredentials') {
      const scope = String(metadata[CLIENT_SYSTEM_SCOPE] ?? '');
      return { app_id: appId, cv_mode: 'offline', ...(scope ? { scope } : {}) };
    }
    const grantId = (token as AccessToken).grantId;
    const binding = grantId ? await findGrantBinding(rpc, grantId) : null;
    if (!binding) throw refused('no Carevault grant behind this token');
    const grant = await consentGrant(rpc, binding.consentGrantId);
    if (!grant || grant.state !== 'active') throw refused('the consent grant was revoked');
    if (binding.mode === 'online') {
      const session = binding.sessionId ? await rpc.request(IdentityCmd.SessionStatus, { sessionId: binding.sessionId }) : { active: false };
      if (!session.active) throw refused('the Carevault session ended');
    }
    if (binding.instanceId) {
      // A revoked device instance gets no new tokens; a live one has its use recorded (at most once a minute).
      const instance = await rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId: binding.instanceId, touch: true });
      if (!instance.active) throw refused('the device instance was disconnected');
    }
    const scope = smartScope(grant.rules, 'patient', modesFor(binding.mode));
    return {
      app_id: binding.appId,
      cv_mode: binding.mode,
      person_id: binding.personId,
      record_id: binding.recordId,
      grant_id: binding.consentGrantId,
      ...(binding.sessionId ? { sid: binding.sessionId } : {}),
      ...(binding.instanceId ? { instance_id: binding.instanceId } : {}),
      ...(scope ? { scope } : {}),
    };
  };
}

/** oidc-provider writes its own (empty) `scope` after the extra claims: ours, the SMART scopes, wins. */
export function customizeJwt(_ctx: KoaContextWithOIDC, token: AccessToken | ClientCredentials, parts: JWTStructured): void {
  const extra = token.extra as Partial<ExtraClaims> | undefined;
  if (extra?.scope) parts.payload.scope = extra.scope;
  else delete parts.payload.scope;
}
