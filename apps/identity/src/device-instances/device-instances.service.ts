import { Inject, Injectable } from '@nestjs/common';
import {
  type CreateDeviceInstanceRequest,
  DEVICE_INSTANCE_INVALIDATION_SUBJECT,
  type DeviceInstanceInvalidation,
  type DeviceInstanceRevokeReason,
  type DeviceInstanceRevokedEvent,
  type DeviceInstanceView,
  IdentityEventType,
  IdentityEvt,
  type RevokeDeviceInstanceResponse,
} from '@carevault/contracts';
import { NATS_CONNECTION, OutboxWriter, PINO_LOGGER, notFound } from '@carevault/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { OAuthStoreService } from '../oauth-store/oauth-store.service';
import { type DeviceInstanceRow, DeviceInstancesRepository, type InstanceSelector, toView } from './device-instances.repository';

const NO_SUCH_INSTANCE = 'no such device instance';

/**
 * Device instances: created when a person approves a device authorization, revoked one by one by a
 * custodian of the record, all together when the application's grant on the record is revoked, or
 * when oidc-provider revokes the instance's token chain. A revocation commits (with its event in the
 * outbox), then deletes the instance's refresh tokens and denylists its access tokens, then tells every
 * gateway (core NATS + flush) before it answers — so the next data call with its token is refused.
 */
@Injectable()
export class DeviceInstancesService {
  constructor(
    private readonly instances: DeviceInstancesRepository,
    private readonly oauth: OAuthStoreService,
    private readonly outbox: OutboxWriter,
    @Inject(NATS_CONNECTION) private readonly nc: Pick<NatsConnection, 'publish' | 'flush'>,
    @Inject(PINO_LOGGER) private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {}

  async create(dto: CreateDeviceInstanceRequest): Promise<DeviceInstanceView> {
    const row = await this.instances.insert({ id: randomUUID(), ...dto, name: dto.name.trim() });
    if (!row) throw notFound('no such record');
    this.logger.info({ instanceId: row.id, appId: row.appId, recordId: row.recordId }, 'device instance created');
    return toView(row);
  }

  async revoke(personId: string, instanceId: string, correlationId: string | null): Promise<RevokeDeviceInstanceResponse> {
    const outcome = await this.instances.dataSource.transaction(async (m) => {
      const found = await this.instances.lockForCustodian(m, instanceId, personId);
      if (!found) throw notFound(NO_SUCH_INSTANCE);
      if (found.revokedAt) return { revoked: [] as DeviceInstanceRow[], instance: found };
      const revoked = await this.revokeIn(m, { id: instanceId }, 'person', correlationId);
      return { revoked, instance: revoked[0] ?? found };
    });
    // Also for an instance revoked before: finishing the clean-up again is harmless, and completes one that failed.
    await this.endChains(outcome.revoked.length ? outcome.revoked : [outcome.instance]);
    return { revoked: outcome.revoked.length > 0, instance: toView(outcome.instance) };
  }

  /** oidc-provider revoked the grant behind the instance (refresh-token reuse, RFC 7009): the instance is done. */
  async revokeByOAuthGrant(oauthGrantId: string, correlationId: string | null): Promise<number> {
    const revoked = await this.instances.dataSource.transaction((m) => this.revokeIn(m, { oauthGrantId }, 'oauth-grant-revoked', correlationId));
    await this.endChains(revoked);
    return revoked.length;
  }

  /**
   * consent.evt.grant-revoked.v1: every instance acting under that grant is revoked. The inbox row and
   * the revocations commit together (exactly once per event); the token clean-up after the commit is
   * idempotent and is repeated on a redelivery, so a failure there is retried too.
   */
  async revokeForConsentGrant(consumer: string, eventId: string, grantId: string, correlationId: string | null): Promise<number> {
    const revoked = await this.instances.dataSource.transaction(async (m) => {
      const fresh: unknown[] = await m.query(`INSERT INTO "identity"."inbox" ("consumer", "event_id") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [consumer, eventId]);
      return fresh.length ? this.revokeIn(m, { grantId }, 'grant-revoked', correlationId) : [];
    });
    await this.endChains(revoked.length ? revoked : await this.instances.revokedOf({ grantId }));
    return revoked.length;
  }

  async status(instanceId: string, touch: boolean): Promise<boolean> {
    return this.instances.status(instanceId, touch);
  }

  async list(personId: string, recordIds: string[] | undefined): Promise<DeviceInstanceView[]> {
    return (await this.instances.listActiveForCustodian(personId, recordIds ?? null)).map(toView);
  }

  private async revokeIn(m: EntityManager, selector: InstanceSelector, reason: DeviceInstanceRevokeReason, correlationId: string | null): Promise<DeviceInstanceRow[]> {
    const revoked = await this.instances.revoke(m, selector, reason);
    await this.outbox.enqueue<DeviceInstanceRevokedEvent>(
      m,
      ...revoked.map((r) => ({
        subject: IdentityEvt.DeviceInstanceRevoked,
        type: IdentityEventType.DeviceInstanceRevoked,
        correlationId,
        data: { appId: r.appId, instanceId: r.id, recordId: r.recordId, personId: r.personId, grantId: r.grantId, reason, at: r.revokedAt!.toISOString() },
      })),
    );
    for (const r of revoked) this.logger.info({ instanceId: r.id, appId: r.appId, recordId: r.recordId, reason }, 'device instance revoked');
    return revoked;
  }

  /**
   * Gateways forget that the instances were active (the flush puts that ahead of our reply), then their
   * oidc-provider grants go: refresh tokens deleted (refresh → invalid_grant), access tokens denylisted
   * (announced by the store), the grant itself destroyed.
   */
  private async endChains(rows: DeviceInstanceRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (const r of rows) {
      const msg: DeviceInstanceInvalidation = { instanceId: r.id };
      this.nc.publish(DEVICE_INSTANCE_INVALIDATION_SUBJECT, JSON.stringify(msg));
    }
    await this.nc.flush();
    for (const r of rows) {
      await this.oauth.revokeByGrantId('RefreshToken', r.oauthGrantId, false);
      await this.oauth.revokeByGrantId('JwtAccessToken', r.oauthGrantId, true);
      await this.oauth.destroy('Grant', r.oauthGrantId);
    }
  }
}
