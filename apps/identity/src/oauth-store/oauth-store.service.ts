import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOKEN_REVOCATION_SUBJECT, type OAuthFindResponse, type TokenRevocation, auditRecorded } from '@carevault/contracts';
import { NATS_CONNECTION, OutboxWriter, PINO_LOGGER, SERVICE_CONFIG } from '@carevault/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { IdentityEnv } from '../config';
import { JWT_ACCESS_TOKEN_MODEL, OAuthStoreRepository, type StoredObject } from './oauth-store.repository';
import { tokenAuditFields } from './token-audit';

/** Expired objects stay this long (so that a late `find` still tells "expired" from "never existed" in logs), then go. */
export const PURGE_GRACE_SECONDS = 3600;
export const PURGE_INTERVAL_MS = 5 * 60_000;
const PURGE_BATCH = 5000;

const toFound = (o: StoredObject | null): OAuthFindResponse => {
  if (!o) return { payload: null };
  return { payload: o.consumedAt ? { ...o.payload, consumed: Math.floor(o.consumedAt.getTime() / 1000) } : o.payload };
};

/** Storage of the gateway's oidc-provider: identity owns OAuth state (ARCHITECTURE.md), the gateway keeps nothing. */
@Injectable()
export class OAuthStoreService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: OAuthStoreRepository,
    private readonly outbox: OutboxWriter,
    @Inject(NATS_CONNECTION) private readonly nc: Pick<NatsConnection, 'publish' | 'flush'>,
    @Inject(PINO_LOGGER) private readonly logger: Pick<Logger, 'info' | 'warn'>,
    @Inject(SERVICE_CONFIG) config: Pick<IdentityEnv, 'REFRESH_REUSE_GRACE_SECONDS'>,
  ) {
    this.reuseGraceSeconds = Number(config.REFRESH_REUSE_GRACE_SECONDS);
  }

  private readonly reuseGraceSeconds: number;

  /**
   * oidc-provider does not store JWT access tokens: the gateway writes a marker per token it issued (every
   * grant type), and the issuance is audited with that marker, in its transaction.
   */
  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresIn?: number, correlationId: string | null = null): Promise<void> {
    if (model !== JWT_ACCESS_TOKEN_MODEL) return this.store.upsert(model, id, payload, expiresIn);
    await this.store.dataSource.transaction(async (m) => {
      await this.store.upsert(model, id, payload, expiresIn, m);
      const clientId = typeof payload.clientId === 'string' ? payload.clientId : null;
      const grantId = typeof payload.grantId === 'string' ? payload.grantId : null;
      const subject = await this.store.tokenSubject(m, { clientId, grantId });
      await this.outbox.enqueue(m, auditRecorded('token-issued', 'success', tokenAuditFields(subject, { jti: id, clientId }, correlationId)));
    });
  }

  /**
   * A refresh token rotated moments ago (REFRESH_REUSE_GRACE_SECONDS) is not found: oidc-provider answers
   * invalid_grant and revokes nothing. Only a later presentation counts as reuse and revokes the chain.
   */
  async find(model: string, column: 'id' | 'user_code' | 'uid', value: string): Promise<OAuthFindResponse> {
    return toFound(await this.store.findBy(model, column, value, model === 'RefreshToken' ? this.reuseGraceSeconds : 0));
  }

  consume(model: string, id: string): Promise<boolean> {
    return this.store.consume(model, id);
  }

  destroy(model: string, id: string): Promise<boolean> {
    return this.store.destroy(model, id);
  }

  /** With `denylist`, the deleted ids are access-token jtis: denylisted in the same transaction, then announced. */
  async revokeByGrantId(model: string, grantId: string, denylist: boolean): Promise<number> {
    const revoked = await this.store.dataSource.transaction(async (m) => {
      const deleted = await this.store.deleteByGrantId(m, model, grantId);
      const announced: TokenRevocation[] = [];
      if (denylist && deleted.length > 0) {
        const subject = await this.store.tokenSubject(m, { grantId });
        const fields = tokenAuditFields(subject, { count: String(deleted.length), reason: 'oauth-grant-revoked' }, null);
        await this.outbox.enqueue(m, auditRecorded('token-revoked', 'success', fields));
      }
      if (denylist) {
        for (const d of deleted) {
          const expiresAt = d.expiresAt ?? new Date(Date.now() + 24 * 3600_000);
          if (await this.store.denylist(m, d.id, null, expiresAt)) announced.push({ jti: d.id, exp: Math.floor(expiresAt.getTime() / 1000) });
        }
      }
      return { count: deleted.length, announced };
    });
    await this.announce(revoked.announced);
    return revoked.count;
  }

  async revokeJti(jti: string, clientId: string, exp: number, correlationId: string | null = null): Promise<boolean> {
    const added = await this.store.dataSource.transaction(async (m) => {
      if (!(await this.store.denylist(m, jti, clientId, new Date(exp * 1000)))) return false;
      const subject = await this.store.tokenSubject(m, { clientId, jti });
      await this.outbox.enqueue(m, auditRecorded('token-revoked', 'success', tokenAuditFields(subject, { jti, clientId, reason: 'revoked-by-client' }, correlationId)));
      return true;
    });
    await this.announce([{ jti, exp }]);
    return added;
  }

  isDenylisted(jti: string): Promise<boolean> {
    return this.store.isDenylisted(jti);
  }

  /** Gateways drop the token before we answer (flush orders the message before our reply), as for sign-out. */
  private async announce(revocations: TokenRevocation[]): Promise<void> {
    if (revocations.length === 0) return;
    for (const r of revocations) this.nc.publish(TOKEN_REVOCATION_SUBJECT, JSON.stringify(r));
    await this.nc.flush();
  }

  async purge(): Promise<number> {
    const purged = await this.store.purgeExpired(PURGE_GRACE_SECONDS, PURGE_BATCH);
    if (purged > 0) this.logger.info({ purged }, 'purged expired OAuth objects');
    return purged;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.purge().catch((err: unknown) => this.logger.warn({ err }, 'OAuth purge failed'));
    }, PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
