import {
  type AccessContext,
  AccessMode,
  ConsentCmd,
  DEVICE_INSTANCE_INVALIDATION_SUBJECT,
  type DeviceInstanceInvalidation,
  type EffectivePermissionsResponse,
  ErrorCode,
  GRANT_INVALIDATION_SUBJECT,
  type GrantInvalidation,
  IdentityCmd,
  type Permission,
  RecordStoreCmd,
  SESSION_INVALIDATION_SUBJECT,
  type SessionInvalidation,
  TOKEN_REVOCATION_SUBJECT,
  type TokenRevocation,
} from '@carevault/contracts';
import { NATS_CONNECTION, PINO_LOGGER, RpcClient } from '@carevault/platform';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ProblemException } from '../errors/problem.exception';
import { AccessTokenVerifier, type Caller } from './access-token.verifier';
import { InvalidatingCache } from './invalidating-cache';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NO_SUCH_RECORD = 'No such record.';

/**
 * Who may do what on which record, decided at the gateway from the consent service's grant, cached
 * and invalidated by the core-NATS messages consent and identity publish before they answer a change
 * (so a revocation or sign-out denies the very next request; docs/adr/001).
 */
@Injectable()
export class PartnerAccessService implements OnModuleInit, OnModuleDestroy {
  private readonly permissions = new InvalidatingCache<EffectivePermissionsResponse>();
  private readonly sessions = new InvalidatingCache<boolean>();
  private readonly revokedTokens = new InvalidatingCache<boolean>();
  private readonly instances = new InvalidatingCache<boolean>();
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly tokens: AccessTokenVerifier,
    private readonly rpc: RpcClient,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.subscriptions.push(
      this.nc.subscribe(GRANT_INVALIDATION_SUBJECT, {
        callback: (err, msg) => {
          if (err) return;
          const g = msg.json<GrantInvalidation>();
          this.permissions.invalidate(`${g.appId}:${g.recordId}`);
        },
      }),
      this.nc.subscribe(SESSION_INVALIDATION_SUBJECT, {
        callback: (err, msg) => {
          if (!err) this.sessions.invalidate(msg.json<SessionInvalidation>().sessionId);
        },
      }),
      this.nc.subscribe(TOKEN_REVOCATION_SUBJECT, {
        callback: (err, msg) => {
          if (!err) this.revokedTokens.invalidate(msg.json<TokenRevocation>().jti);
        },
      }),
      this.nc.subscribe(DEVICE_INSTANCE_INVALIDATION_SUBJECT, {
        callback: (err, msg) => {
          if (!err) this.instances.invalidate(msg.json<DeviceInstanceInvalidation>().instanceId);
        },
      }),
    );
    void this.watchReconnects();
  }

  onModuleDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  /** The caller of this request, or 401: a bad, expired or revoked token, an online token whose sign-in session ended, or a disconnected device's. */
  async authenticate(req: FastifyRequest): Promise<Caller> {
    const caller = await this.tokens.verify(req.headers.authorization);
    const jti = caller.jti;
    const revoked = await this.revokedTokens.get(jti, async () => (await this.rpc.request(IdentityCmd.OAuthJtiStatus, { jti }, { correlationId: req.id })).revoked);
    if (revoked) throw new ProblemException(ErrorCode.UNAUTHENTICATED, 'The access token has been revoked.');
    if (caller.mode === 'online' && caller.sessionId) {
      const sessionId = caller.sessionId;
      const active = await this.sessions.get(sessionId, async () => (await this.rpc.request(IdentityCmd.SessionStatus, { sessionId }, { correlationId: req.id })).active);
      if (!active) throw new ProblemException(ErrorCode.UNAUTHENTICATED, 'The sign-in session this token belongs to has ended.');
    }
    if (caller.instanceId) {
      const instanceId = caller.instanceId;
      // A load also records the use (identity writes it at most once a minute): last_used_at costs no extra round trip.
      const active = await this.instances.get(instanceId, async () => (await this.rpc.request(IdentityCmd.DeviceInstanceStatus, { instanceId, touch: true }, { correlationId: req.id })).active);
      if (!active) throw new ProblemException(ErrorCode.UNAUTHENTICATED, 'The device this token belongs to was disconnected.');
    }
    return caller;
  }

  /** Effective permissions of the caller's app on the record (both modes), or null without an active grant. */
  async grantOn(caller: Caller, recordId: string, correlationId: string): Promise<EffectivePermissionsResponse | null> {
    if (!UUID.test(recordId)) return null;
    if (caller.recordId && caller.recordId !== recordId) return null;
    const perms = await this.permissions.get(`${caller.appId}:${recordId}`, () =>
      this.rpc.request(ConsentCmd.EffectivePermissions, { appId: caller.appId, recordId }, { correlationId }),
    );
    if (!perms.grant) return null;
    // A token issued under a grant that was since revoked (and perhaps granted again) is done: online and device tokens.
    if (caller.grantId && (caller.mode === 'online' || caller.instanceId) && perms.grant.grantId !== caller.grantId) return null;
    return perms;
  }

  /**
   * The access context for a data call, or 404 exactly as for a record that does not exist when the
   * app holds no grant on it (the attempt is audited all the same).
   */
  async accessFor(caller: Caller, recordId: string, permission: Permission, req: FastifyRequest, dataType?: string): Promise<AccessContext> {
    const perms = await this.grantOn(caller, recordId, req.id);
    const identity = {
      recordId,
      appId: caller.appId,
      personId: caller.personId,
      instanceId: caller.instanceId,
      mode: caller.mode === 'online' ? AccessMode.Online : AccessMode.Offline,
      correlationId: req.id,
      clientAddress: req.ip,
    };
    if (!perms) {
      if (UUID.test(recordId)) await this.auditDenied(identity, permission, dataType, 'no-grant');
      throw new ProblemException(ErrorCode.NOT_FOUND, NO_SUCH_RECORD);
    }
    return { ...identity, permissions: perms[caller.mode] };
  }

  private async auditDenied(access: Omit<AccessContext, 'permissions'>, permission: Permission, dataType: string | undefined, reason: string): Promise<void> {
    await this.rpc
      .request(RecordStoreCmd.RecordDenied, { access, permission, dataType: dataType ?? null, reason }, { correlationId: access.correlationId })
      .catch((err: unknown) => this.logger.error({ err, recordId: access.recordId }, 'could not audit a denied access'));
  }

  private async watchReconnects(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'reconnect') {
        // Invalidations sent while we were away are lost: start from the source again.
        this.permissions.clear();
        this.sessions.clear();
        this.revokedTokens.clear();
        this.instances.clear();
      }
    }
  }
}
