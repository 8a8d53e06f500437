import { IdentityCmd } from '@carevault/contracts';
import type { RpcClient } from '@carevault/platform';
import { GRANT_BINDING_MODEL } from './adapter';

/**
 * What an oidc-provider grant stands for in Carevault, written when the person approves (or the page is
 * skipped) and read by extraTokenClaims at the code / device-code exchange and at every refresh.
 */
export interface GrantBinding {
  appId: string;
  /** The consent service's grant id. */
  consentGrantId: string;
  personId: string;
  recordId: string;
  /** Our Carevault session (cv_session) for online tokens; null for device (offline) tokens. */
  sessionId: string | null;
  mode: 'online' | 'offline';
  /** The device instance (issue 6); null until device instances exist. */
  instanceId: string | null;
}

export async function saveGrantBinding(rpc: RpcClient, oidcGrantId: string, binding: GrantBinding, expiresIn: number, correlationId?: string): Promise<void> {
  await rpc.request(
    IdentityCmd.OAuthUpsert,
    { model: GRANT_BINDING_MODEL, id: oidcGrantId, payload: { ...binding, grantId: oidcGrantId }, expiresIn },
    { correlationId },
  );
}

export async function findGrantBinding(rpc: RpcClient, oidcGrantId: string): Promise<GrantBinding | null> {
  const { payload } = await rpc.request(IdentityCmd.OAuthFind, { model: GRANT_BINDING_MODEL, id: oidcGrantId });
  if (!payload || typeof payload.consentGrantId !== 'string') return null;
  return payload as unknown as GrantBinding;
}
