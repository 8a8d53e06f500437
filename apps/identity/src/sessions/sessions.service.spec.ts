import { ErrorCode, IdentityEvt, SESSION_INVALIDATION_SUBJECT } from '@carevault/contracts';
import { DomainError, type OutboxWriter } from '@carevault/platform';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

const manager = { name: 'tx' } as unknown as EntityManager;

function setup(ttlHours = '12') {
  const repo = { insert: jest.fn().mockResolvedValue(undefined), findActive: jest.fn().mockResolvedValue(null), end: jest.fn().mockResolvedValue(null) };
  const outbox = { enqueue: jest.fn().mockResolvedValue([]) };
  const dataSource = { transaction: jest.fn((fn: (m: EntityManager) => unknown) => fn(manager)) };
  const nc = { publish: jest.fn(), flush: jest.fn().mockResolvedValue(undefined) };
  const sut = new SessionsService(
    repo as unknown as SessionsRepository,
    outbox as unknown as OutboxWriter,
    dataSource as unknown as DataSource,
    { SESSION_TTL_HOURS: ttlHours },
    nc,
  );
  return { sut, repo, outbox, nc };
}
const sha256 = (s: string) => createHash('sha256').update(s).digest();

describe(SessionsService.name, () => {
  describe('issue', () => {
    it('returns a 32-byte base64url token once and stores only its SHA-256, expiring after the TTL', async () => {
      const { sut, repo } = setup('2');
      const before = Date.now();
      const s = await sut.issue(manager, 'p-1');
      expect(Buffer.from(s.token, 'base64url')).toHaveLength(32);
      const stored = repo.insert.mock.calls[0][1];
      expect(stored).toEqual({ id: s.sessionId, personId: 'p-1', tokenHash: sha256(s.token), expiresAt: new Date(s.expiresAt) });
      expect(JSON.stringify(repo.insert.mock.calls)).not.toContain(s.token);
      const ttl = new Date(s.expiresAt).getTime() - before;
      expect(ttl).toBeGreaterThanOrEqual(2 * 3600_000);
      expect(ttl).toBeLessThan(2 * 3600_000 + 5000);
    });

    it('gives every session a different token', async () => {
      const { sut } = setup();
      const a = await sut.issue(manager, 'p-1');
      const b = await sut.issue(manager, 'p-1');
      expect(a.token).not.toBe(b.token);
    });
  });

  describe('resolve', () => {
    it('looks the session up by the token hash', async () => {
      const { sut, repo } = setup();
      const expiresAt = new Date('2030-01-01T00:00:00Z');
      repo.findActive.mockResolvedValue({ sessionId: 's-1', expiresAt, personId: 'p-1', email: 'a@b.org', name: 'A' });
      expect(await sut.resolve('tok')).toEqual({ sessionId: 's-1', person: { id: 'p-1', email: 'a@b.org', name: 'A' }, expiresAt: expiresAt.toISOString() });
      expect(repo.findActive).toHaveBeenCalledWith(sha256('tok'));
    });

    it('answers UNAUTHENTICATED for an unknown, expired or ended session', async () => {
      const { sut } = setup();
      await expect(sut.resolve('tok')).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
      await expect(sut.resolve('tok')).rejects.toBeInstanceOf(DomainError);
    });
  });

  describe('signOut', () => {
    it('ends the session and enqueues session-ended in the same transaction', async () => {
      const { sut, repo, outbox } = setup();
      const endedAt = new Date('2030-01-01T00:00:00Z');
      repo.end.mockResolvedValue({ sessionId: 's-1', personId: 'p-1', endedAt });
      expect(await sut.signOut('tok', 'corr-1')).toEqual({ ended: true, sessionId: 's-1' });
      expect(repo.end).toHaveBeenCalledWith(manager, sha256('tok'));
      expect(outbox.enqueue).toHaveBeenCalledWith(manager, {
        subject: IdentityEvt.SessionEnded,
        type: 'session.ended',
        correlationId: 'corr-1',
        data: { sessionId: 's-1', personId: 'p-1', reason: 'sign-out', endedAt: endedAt.toISOString() },
      });
      expect(outbox.enqueue).toHaveBeenCalledWith(
        manager,
        expect.objectContaining({ data: expect.objectContaining({ action: 'sign-out', outcome: 'success', personId: 'p-1', correlationId: 'corr-1' }) }),
      );
    });

    it('tells gateways to forget the session before answering', async () => {
      const { sut, repo, nc } = setup();
      repo.end.mockResolvedValue({ sessionId: 's-1', personId: 'p-1', endedAt: new Date() });
      await sut.signOut('tok', null);
      expect(nc.publish).toHaveBeenCalledWith(SESSION_INVALIDATION_SUBJECT, JSON.stringify({ sessionId: 's-1' }));
      expect(nc.flush).toHaveBeenCalled();
    });

    it('is idempotent: nothing to end, no event', async () => {
      const { sut, outbox, nc } = setup();
      expect(await sut.signOut('tok', null)).toEqual({ ended: false, sessionId: null });
      expect(outbox.enqueue).not.toHaveBeenCalled();
      expect(nc.publish).not.toHaveBeenCalled();
    });
  });
});
