import { AccessMode, ErrorCode, IdentityEvt, Permission, type RegisterApplicationRequest, type Rule } from '@carevault/contracts';
import type { OutboxWriter } from '@carevault/platform';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { ApplicationRow, ApplicationsRepository } from './applications.repository';
import { ApplicationsService, requiredRulesAdded } from './applications.service';

const manager = { name: 'tx' } as unknown as EntityManager;
const sha256 = (s: string) => createHash('sha256').update(s).digest();
const rule = (over: Partial<Rule> = {}): Rule => ({
  name: 'meds',
  reason: 'show medications',
  dataTypes: ['MedicationStatement'],
  permissions: [Permission.Read],
  mode: AccessMode.Online,
  required: true,
  ...over,
});
const request = (over: Partial<RegisterApplicationRequest> = {}): RegisterApplicationRequest => ({
  name: 'Pharmacy',
  kind: 'web',
  redirectUris: ['https://pharmacy.example/cb'],
  rules: [rule()],
  ...over,
});

function setup() {
  let inserted: { app: Record<string, unknown>; rules: Rule[] } | undefined;
  const row = (): ApplicationRow => ({
    id: inserted!.app.id as string,
    clientId: inserted!.app.clientId as string,
    name: inserted!.app.name as string,
    description: null,
    kind: inserted!.app.kind as 'web',
    redirectUris: inserted!.app.redirectUris as string[],
    webhookUrl: inserted!.app.webhookUrl as string | null,
    hasClientSecret: inserted!.app.clientSecretHash !== null,
    ruleSetVersion: 1,
    rules: inserted!.rules,
    createdAt: new Date('2030-01-01T00:00:00Z'),
    updatedAt: new Date('2030-01-01T00:00:00Z'),
  });
  const repo = {
    insert: jest.fn(async (_m: EntityManager, app: Record<string, unknown>, rules: Rule[]) => void (inserted = { app, rules })),
    findById: jest.fn(async () => (inserted ? row() : null)),
    addRuleSetVersion: jest.fn(),
    replaceSecretHash: jest.fn().mockResolvedValue(null),
    findSecretHash: jest.fn().mockResolvedValue(null),
  };
  const outbox = { enqueue: jest.fn().mockResolvedValue([]) };
  const dataSource = { transaction: jest.fn((fn: (m: EntityManager) => unknown) => fn(manager)) };
  const sut = new ApplicationsService(repo as unknown as ApplicationsRepository, outbox as unknown as OutboxWriter, dataSource as unknown as DataSource);
  return { sut, repo, outbox, stored: () => inserted! };
}

describe(ApplicationsService.name, () => {
  describe('register', () => {
    it('shows a web app its client secret once and stores only its SHA-256', async () => {
      const { sut, stored } = setup();
      const res = await sut.register(request(), null);
      expect(res.clientSecret).toMatch(/^cvs_[A-Za-z0-9_-]{43}$/);
      expect(stored().app.clientSecretHash).toEqual(sha256(res.clientSecret!));
      expect(JSON.stringify(stored())).not.toContain(res.clientSecret);
      expect(res.webhookSecret).toBeUndefined();
      expect(res).toMatchObject({ kind: 'web', ruleSetVersion: 1, hasClientSecret: true, rules: [rule()] });
    });

    it('gives a device app no client secret, and a webhook secret only with a webhook URL', async () => {
      const { sut, stored } = setup();
      const res = await sut.register(request({ kind: 'device', redirectUris: [], webhookUrl: 'https://hooks.example/in', rules: [rule({ mode: AccessMode.Offline })] }), null);
      expect(res.clientSecret).toBeUndefined();
      expect(stored().app.clientSecretHash).toBeNull();
      expect(res.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(res.webhookSecret!.slice(6), 'base64')).toHaveLength(32);
    });

    it('publishes application-registered in the same transaction, without secrets', async () => {
      const { sut, outbox } = setup();
      const res = await sut.register(request({ webhookUrl: 'https://hooks.example/in' }), 'corr-9');
      const [m, event] = outbox.enqueue.mock.calls[0];
      expect(m).toBe(manager);
      expect(event).toMatchObject({ subject: IdentityEvt.ApplicationRegistered, correlationId: 'corr-9', data: { appId: res.appId, ruleSetVersion: 1 } });
      expect(JSON.stringify(event)).not.toContain(res.clientSecret);
      expect(JSON.stringify(event)).not.toContain(res.webhookSecret);
    });

    it('answers VALIDATION_FAILED naming every bad field, writing nothing', async () => {
      const { sut, repo } = setup();
      const err = await sut.register(request({ redirectUris: ['http://evil.example/cb'], rules: [rule({ dataTypes: ['Medicine'] })] }), null).catch((e) => e);
      expect(err).toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      expect(err.errors.map((e: { field: string }) => e.field)).toEqual(['redirectUris.0', 'rules.0.dataTypes.0']);
      expect(repo.insert).not.toHaveBeenCalled();
    });

    it('stores only the fields of each rule', async () => {
      const { sut, stored } = setup();
      await sut.register(request({ rules: [{ ...rule(), extra: 'x' } as Rule] }), null);
      expect(stored().rules).toEqual([rule()]);
    });
  });

  describe('replaceRules', () => {
    it('rejects an online rule for a device app', async () => {
      const { sut, repo } = setup();
      await sut.register(request({ kind: 'device', redirectUris: [], rules: [rule({ mode: AccessMode.Offline })] }), null);
      const err = await sut.replaceRules('app', [rule()], null).catch((e) => e);
      expect(err.errors).toEqual([{ field: 'rules.0.mode', message: expect.any(String) }]);
      expect(repo.addRuleSetVersion).not.toHaveBeenCalled();
    });

    it('answers NOT_FOUND for an unknown application', async () => {
      const { sut } = setup();
      await expect(sut.replaceRules('nope', [rule()], null)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });
  });

  describe('rotateSecret', () => {
    it('answers CONFLICT for a device app and NOT_FOUND for an unknown one', async () => {
      const { sut } = setup();
      await expect(sut.rotateSecret('nope')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      await sut.register(request({ kind: 'device', redirectUris: [], rules: [rule({ mode: AccessMode.Offline })] }), null);
      await expect(sut.rotateSecret('app')).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    });

    it('audits the rotation in its transaction, without the secret', async () => {
      const { sut, repo, outbox } = setup();
      repo.replaceSecretHash.mockResolvedValue({ clientId: 'cv_x', rotatedAt: new Date('2030-01-01T00:00:00Z') });
      const res = await sut.rotateSecret('a-1', 'corr-2');
      expect(repo.replaceSecretHash).toHaveBeenCalledWith('a-1', sha256(res.clientSecret), manager);
      const [m, event] = outbox.enqueue.mock.calls[0];
      expect(m).toBe(manager);
      expect(event.data).toMatchObject({ category: 'operator', action: 'secret-rotated', outcome: 'success', appId: 'a-1', correlationId: 'corr-2' });
      expect(JSON.stringify(event)).not.toContain(res.clientSecret);
    });
  });

  describe('verifyClientSecret', () => {
    it('is valid only for the right secret of a known client', async () => {
      const { sut, repo } = setup();
      repo.findSecretHash.mockResolvedValue({ id: 'a-1', clientSecretHash: sha256('cvs_right') });
      expect(await sut.verifyClientSecret('cv_x', 'cvs_right')).toEqual({ valid: true, appId: 'a-1' });
      expect(await sut.verifyClientSecret('cv_x', 'cvs_wrong')).toEqual({ valid: false, appId: null });
      repo.findSecretHash.mockResolvedValue({ id: 'd-1', clientSecretHash: null });
      expect(await sut.verifyClientSecret('cv_d', sha256('no-secret').toString())).toEqual({ valid: false, appId: null });
      repo.findSecretHash.mockResolvedValue(null);
      expect(await sut.verifyClientSecret('cv_unknown', 'cvs_right')).toEqual({ valid: false, appId: null });
    });
  });
});

describe(requiredRulesAdded.name, () => {
  it('lists rules that became required or are new and required', () => {
    const before = [rule({ name: 'a' }), rule({ name: 'b', required: false })];
    const after = [rule({ name: 'a' }), rule({ name: 'b' }), rule({ name: 'c' }), rule({ name: 'd', required: false })];
    expect(requiredRulesAdded(before, after)).toEqual(['b', 'c']);
  });
});
