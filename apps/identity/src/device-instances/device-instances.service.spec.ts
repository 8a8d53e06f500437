import { DEVICE_INSTANCE_INVALIDATION_SUBJECT, ErrorCode, IdentityEvt } from '@carevault/contracts';
import type { OutboxWriter } from '@carevault/platform';
import type { EntityManager } from 'typeorm';
import type { OAuthStoreService } from '../oauth-store/oauth-store.service';
import type { DeviceInstanceRow, DeviceInstancesRepository } from './device-instances.repository';
import { DeviceInstancesService } from './device-instances.service';

const manager = { name: 'tx' } as unknown as EntityManager;

const row = (o: Partial<DeviceInstanceRow> = {}): DeviceInstanceRow => ({
  id: 'i-1',
  appId: 'a-1',
  personId: 'p-1',
  recordId: 'r-1',
  grantId: 'g-1',
  oauthGrantId: 'og-1',
  name: "Sam's iPhone",
  createdAt: new Date('2026-11-01T10:00:00Z'),
  lastUsedAt: null,
  revokedAt: null,
  ...o,
});

function setup() {
  const steps: string[] = [];
  const repo = {
    dataSource: { transaction: jest.fn(async (fn: (m: EntityManager) => unknown) => { const r = await fn(manager); steps.push('commit'); return r; }) },
    lockForCustodian: jest.fn().mockResolvedValue(row()),
    revoke: jest.fn().mockResolvedValue([row({ revokedAt: new Date('2026-11-02T10:00:00Z') })]),
    revokedOf: jest.fn().mockResolvedValue([]),
  };
  const oauth = {
    revokeByGrantId: jest.fn(async (model: string) => void steps.push(`revoke ${model}`)),
    destroy: jest.fn(async (model: string) => void steps.push(`destroy ${model}`)),
  };
  const outbox = { enqueue: jest.fn(async () => void steps.push('outbox')) };
  const nc = { publish: jest.fn(() => void steps.push('publish')), flush: jest.fn(async () => void steps.push('flush')) };
  const logger = { info: jest.fn(), warn: jest.fn() };
  const sut = new DeviceInstancesService(
    repo as unknown as DeviceInstancesRepository,
    oauth as unknown as OAuthStoreService,
    outbox as unknown as OutboxWriter,
    nc,
    logger,
  );
  return { sut, repo, oauth, outbox, nc, steps };
}

describe(DeviceInstancesService.name, () => {
  describe('revoke', () => {
    it('commits the revocation with its event, tells gateways (flushed), then ends the token chain', async () => {
      const { sut, outbox, nc, steps } = setup();
      const answer = await sut.revoke('p-1', 'i-1', 'corr-1');
      expect(answer).toMatchObject({ revoked: true, instance: { id: 'i-1', revokedAt: '2026-11-02T10:00:00.000Z' } });
      expect(outbox.enqueue).toHaveBeenCalledWith(manager, {
        subject: IdentityEvt.DeviceInstanceRevoked,
        type: 'device-instance.revoked',
        correlationId: 'corr-1',
        data: { appId: 'a-1', instanceId: 'i-1', recordId: 'r-1', personId: 'p-1', grantId: 'g-1', reason: 'person', at: '2026-11-02T10:00:00.000Z' },
      });
      expect(nc.publish).toHaveBeenCalledWith(DEVICE_INSTANCE_INVALIDATION_SUBJECT, JSON.stringify({ instanceId: 'i-1' }));
      expect(steps).toEqual(['outbox', 'commit', 'publish', 'flush', 'revoke RefreshToken', 'revoke JwtAccessToken', 'destroy Grant']);
    });

    it('answers NOT_FOUND when the person is not a custodian of the record (or the instance does not exist)', async () => {
      const { sut, repo, nc } = setup();
      repo.lockForCustodian.mockResolvedValue(null);
      await expect(sut.revoke('p-2', 'i-1', null)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      expect(nc.publish).not.toHaveBeenCalled();
    });

    it('is idempotent: a revoked instance gets no second event, but its clean-up is finished again', async () => {
      const { sut, repo, outbox, oauth } = setup();
      repo.lockForCustodian.mockResolvedValue(row({ revokedAt: new Date('2026-11-02T10:00:00Z') }));
      expect(await sut.revoke('p-1', 'i-1', null)).toMatchObject({ revoked: false });
      expect(repo.revoke).not.toHaveBeenCalled();
      expect(outbox.enqueue).not.toHaveBeenCalled();
      expect(oauth.revokeByGrantId).toHaveBeenCalledWith('RefreshToken', 'og-1', false);
    });
  });
});
