import { ErrorCode, IdentityCmd } from '@carevault/contracts';
import { type RpcClient, RpcError } from '@carevault/platform';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from './oidc';
import { clientMetadataOf } from './client-metadata';

/** Our marker rows for the JWT access tokens issued under a grant (oidc-provider does not store JWTs). */
export const JWT_ACCESS_TOKEN_MODEL = 'JwtAccessToken';
/** Grant → (consent grant, person, record, Carevault session): see grant-binding.ts. */
export const GRANT_BINDING_MODEL = 'CvGrantBinding';

/** Single-use objects: a second consume loses the race and the token request fails with invalid_grant. */
const SINGLE_USE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode']);

const asPayload = (p: Record<string, unknown> | null): AdapterPayload | undefined => (p ? (p as AdapterPayload) : undefined);

/**
 * oidc-provider's storage over NATS: identity keeps every object (ARCHITECTURE.md: identity owns OAuth
 * state); the model "Client" is read from identity's applications.
 */
export function createAdapterClass(rpc: RpcClient): new (model: string) => Adapter {
  return class IdentityAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') return;
      await rpc.request(IdentityCmd.OAuthUpsert, {
        model: this.model,
        id,
        payload: payload as Record<string, unknown>,
        ...(expiresIn ? { expiresIn: Math.max(1, Math.ceil(expiresIn)) } : {}),
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return findClient(rpc, id);
      return asPayload((await rpc.request(IdentityCmd.OAuthFind, { model: this.model, id })).payload);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return asPayload((await rpc.request(IdentityCmd.OAuthFindByUserCode, { model: this.model, userCode })).payload);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return asPayload((await rpc.request(IdentityCmd.OAuthFindByUid, { model: this.model, uid })).payload);
    }

    async consume(id: string): Promise<void> {
      const { consumed } = await rpc.request(IdentityCmd.OAuthConsume, { model: this.model, id });
      if (!consumed && SINGLE_USE.has(this.model)) throw new errors.InvalidGrant({ detail: `${this.model} already consumed by a concurrent request` });
    }

    async destroy(id: string): Promise<void> {
      await rpc.request(IdentityCmd.OAuthDestroy, { model: this.model, id });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await rpc.request(IdentityCmd.OAuthRevokeByGrantId, { model: this.model, grantId });
      // JWT access tokens of a revoked grant (code or refresh-token reuse) go on the denylist.
      if (this.model === 'AccessToken') await rpc.request(IdentityCmd.OAuthRevokeByGrantId, { model: JWT_ACCESS_TOKEN_MODEL, grantId, denylist: true });
    }
  };
}

async function findClient(rpc: RpcClient, clientId: string): Promise<AdapterPayload | undefined> {
  try {
    return clientMetadataOf(await rpc.request(IdentityCmd.GetApplicationByClientId, { clientId }));
  } catch (err) {
    if (err instanceof RpcError && (err.code === ErrorCode.NOT_FOUND || err.code === ErrorCode.VALIDATION_FAILED)) return undefined;
    throw err;
  }
}
