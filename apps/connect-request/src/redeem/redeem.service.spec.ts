import { ErrorCode } from '@carevault/contracts';
import { DomainError, type OutboxWriter } from '@carevault/platform';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { ConnectRequestEnv } from '../config';
import type { AnswerHasher } from '../secrets/answer';
import type { PickupService } from './pickup.service';
import type { RateLimiter } from './rate-limiter';
import type { RedeemRepository, TicketRow } from './redeem.repository';
import { CODE_NOT_FOUND, RedeemService } from './redeem.service';

const PERSON = '7b0e7a52-57f4-4a8e-9d7a-2b1c6a1d0f11';
const manager = { name: 'tx' } as unknown as EntityManager;

function ticketRow(over: Partial<TicketRow> = {}): TicketRow {
  return {
    id: 't1',
    request_id: 'r1',
    expires_at: new Date('2030-01-01T00:00:00Z'),
    live: true,
    answered: false,
    completed: false,
    app_id: 'a1',
    external_id: 'patient-1',
    question: 'First pet?',
    friendly_name: 'Sam at Contoso',
    state: 'pending',
    redeemable: true,
    wrong_attempts: 0,
    ...over,
  };
}

function setup() {
  const repo = {
    findRedeemable: jest.fn().mockResolvedValue({ id: 'r1', app_id: 'a1', question: 'First pet?', wrong_attempts: 1 }),
    insertTicket: jest.fn().mockResolvedValue(new Date('2030-01-01T00:00:00Z')),
    findTicket: jest.fn().mockResolvedValue(ticketRow()),
    reserveAttempt: jest.fn().mockResolvedValue({ answer_hash: '$argon2id$x' }),
    isLockedOut: jest.fn().mockResolvedValue(false),
    acceptAnswer: jest.fn().mockResolvedValue(undefined),
    recordWrongAnswer: jest.fn().mockResolvedValue({ wrong_attempts: 1, state: 'pending' }),
    releaseAttempt: jest.fn().mockResolvedValue(undefined),
    dataSource: { transaction: jest.fn((fn: (m: EntityManager) => unknown) => fn(manager)) },
  };
  const outbox = { enqueue: jest.fn().mockResolvedValue([]) };
  const limiter = { hit: jest.fn().mockResolvedValue(true) };
  const hasher = { verify: jest.fn().mockResolvedValue(true), hash: jest.fn() };
  const logger = { info: jest.fn(), warn: jest.fn() };
  const sut = new RedeemService(
    repo as unknown as RedeemRepository,
    limiter as unknown as RateLimiter,
    hasher as unknown as AnswerHasher,
    {} as PickupService,
    new ConnectRequestEnv(),
    logger as unknown as Logger,
    outbox as unknown as OutboxWriter,
  );
  return { sut, repo, limiter, hasher, outbox };
}

async function failure(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(err)}`);
  return err;
}

describe(RedeemService.name, () => {
  describe('enterCode', () => {
    const req = { personId: PERSON, clientAddress: '2001:db8:1:2::7', code: 'abcd efgh jkmn pqrs tuvw' };

    it('answers RATE_LIMITED before looking anything up', async () => {
      const { sut, repo, limiter } = setup();
      limiter.hit.mockResolvedValue(false);
      expect((await failure(sut.enterCode(req))).code).toBe(ErrorCode.RATE_LIMITED);
      expect(repo.findRedeemable).not.toHaveBeenCalled();
      expect(repo.insertTicket).not.toHaveBeenCalled();
    });

    it('counts the entry against the person and the /64 of the address, with the configured limits', async () => {
      const { sut, limiter } = setup();
      await sut.enterCode(req);
      expect(limiter.hit).toHaveBeenCalledWith(
        [
          { key: `person:${PERSON}`, max: 10 },
          { key: 'address:2001:db8:1:2::/64', max: 30 },
        ],
        15,
      );
    });

    it('looks a mistyped code up like any other, and answers the one NOT_FOUND', async () => {
      const { sut, repo } = setup();
      repo.findRedeemable.mockResolvedValue(null);
      const err = await failure(sut.enterCode({ ...req, code: 'not-a-code' }));
      expect(err.code).toBe(ErrorCode.NOT_FOUND);
      expect(err.message).toBe(CODE_NOT_FOUND);
      expect(repo.findRedeemable).toHaveBeenCalledTimes(1);
    });

    it('issues a ticket with the question and the attempts left, storing only the ticket hash', async () => {
      const { sut, repo } = setup();
      const res = await sut.enterCode(req);
      expect(res).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), appId: 'a1', question: 'First pet?', attemptsLeft: 2, expiresAt: '2030-01-01T00:00:00.000Z' });
      const [hash] = repo.insertTicket.mock.calls[0] as [Buffer];
      expect(hash.toString('base64url')).not.toBe(res.ticket);
    });

    it('audits every entry without the code: a success with its ticket, a failure on its own', async () => {
      const { sut, repo, outbox } = setup();
      await sut.enterCode(req, 'corr-1');
      expect(repo.insertTicket.mock.calls[0]![4]).toBe(manager);
      repo.findRedeemable.mockResolvedValue(null);
      await failure(sut.enterCode(req));
      const events = outbox.enqueue.mock.calls.map(([, e]) => ({ ...e.data, at: undefined }));
      expect(events).toEqual([
        expect.objectContaining({ action: 'connect-code-entered', outcome: 'success', appId: 'a1', personId: PERSON, correlationId: 'corr-1', details: { requestId: 'r1' } }),
        expect.objectContaining({ action: 'connect-code-entered', outcome: 'failure', personId: PERSON, details: { reason: 'not-found' } }),
      ]);
      expect(JSON.stringify(events).toLowerCase()).not.toContain('abcd');
    });
  });

  describe('answer', () => {
    const req = { personId: PERSON, clientAddress: '203.0.113.9', ticket: 'x'.repeat(43), answer: ' Rex ' };

    it('accepts a right answer and gives the reserved attempt back', async () => {
      const { sut, repo, hasher } = setup();
      expect(await sut.answer(req)).toEqual({ ticket: req.ticket, appId: 'a1', friendlyName: 'Sam at Contoso', expiresAt: '2030-01-01T00:00:00.000Z' });
      expect(hasher.verify).toHaveBeenCalledWith('$argon2id$x', 'rex');
      expect(repo.acceptAnswer).toHaveBeenCalledWith('r1', 't1');
      expect(repo.recordWrongAnswer).not.toHaveBeenCalled();
    });

    it('reserves the attempt before checking the hash', async () => {
      const { sut, repo, hasher } = setup();
      repo.reserveAttempt.mockResolvedValue(null);
      repo.isLockedOut.mockResolvedValue(true);
      expect((await failure(sut.answer(req))).code).toBe(ErrorCode.RETRY_LIMIT_EXCEEDED);
      expect(hasher.verify).not.toHaveBeenCalled();
    });

    it('answers VALIDATION_FAILED on field answer with the tries left for a wrong answer', async () => {
      const { sut, hasher } = setup();
      hasher.verify.mockResolvedValue(false);
      const err = await failure(sut.answer(req));
      expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(err.errors).toEqual([{ field: 'answer', message: 'that answer is not right; 2 tries left' }]);
    });

    it('answers RETRY_LIMIT_EXCEEDED when the wrong answer locked the request', async () => {
      const { sut, repo, hasher } = setup();
      hasher.verify.mockResolvedValue(false);
      repo.recordWrongAnswer.mockResolvedValue({ wrong_attempts: 3, state: 'locked' });
      expect((await failure(sut.answer(req))).code).toBe(ErrorCode.RETRY_LIMIT_EXCEEDED);
    });

    it('audits the wrong answer and the lock in the transaction that counts them, without the answer', async () => {
      const { sut, repo, hasher, outbox } = setup();
      hasher.verify.mockResolvedValue(false);
      repo.recordWrongAnswer.mockResolvedValue({ wrong_attempts: 3, state: 'locked' });
      await failure(sut.answer(req, 'corr-7'));
      expect(repo.recordWrongAnswer).toHaveBeenCalledWith('r1', 3, manager);
      const events = outbox.enqueue.mock.calls.map(([m, e]) => [m, e.data.action, e.data.outcome, e.data.details.reason ?? null]);
      expect(events).toEqual([
        [manager, 'connect-answer-wrong', 'failure', null],
        [manager, 'connect-locked', 'failure', 'too-many-wrong-answers'],
      ]);
      expect(JSON.stringify(outbox.enqueue.mock.calls).toLowerCase()).not.toContain('rex');
    });

    it('does not hash again for an answered ticket', async () => {
      const { sut, repo, hasher } = setup();
      repo.findTicket.mockResolvedValue(ticketRow({ answered: true }));
      expect((await sut.answer({ ...req, answer: 'anything' })).friendlyName).toBe('Sam at Contoso');
      expect(repo.reserveAttempt).not.toHaveBeenCalled();
      expect(hasher.verify).not.toHaveBeenCalled();
    });

    it('counts nothing for a blank answer', async () => {
      const { sut, repo } = setup();
      expect((await failure(sut.answer({ ...req, answer: '   ' }))).code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(repo.reserveAttempt).not.toHaveBeenCalled();
    });

    it.each([
      ['unknown', null],
      ['expired', ticketRow({ live: false })],
      ['used', ticketRow({ completed: true })],
      ['of a deleted request', ticketRow({ state: 'deleted', redeemable: false })],
      ['of an expired request', ticketRow({ state: 'pending', redeemable: false })],
    ])('answers NOT_FOUND for a ticket that is %s', async (_label, row) => {
      const { sut, repo } = setup();
      repo.findTicket.mockResolvedValue(row);
      expect((await failure(sut.answer(req))).code).toBe(ErrorCode.NOT_FOUND);
      expect(repo.reserveAttempt).not.toHaveBeenCalled();
    });

    it('gives the attempt back when the check itself fails', async () => {
      const { sut, repo, hasher } = setup();
      hasher.verify.mockRejectedValue(new Error('bad hash'));
      await expect(sut.answer(req)).rejects.toThrow('bad hash');
      expect(repo.releaseAttempt).toHaveBeenCalledWith('r1');
    });
  });
});
