import { ErrorCode } from '@carevault/contracts';
import { DomainError, type OutboxWriter } from '@carevault/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { RecordsService } from '../records/records.service';
import type { SessionsService } from '../sessions/sessions.service';
import type { PasswordHasher } from './password-hasher';
import type { PersonsRepository } from './persons.repository';
import { PersonsService, SIGN_IN_FAILED } from './persons.service';

const manager = { name: 'tx-manager' } as unknown as EntityManager;
const session = { sessionId: 's-1', token: 't', expiresAt: '2030-01-01T00:00:00.000Z' };

function setup() {
  const persons = {
    insert: jest.fn().mockResolvedValue(undefined),
    findByEmail: jest.fn().mockResolvedValue(null),
    emailTaken: jest.fn().mockResolvedValue(false),
    reserveSignInAttempt: jest.fn().mockResolvedValue(true),
    clearSignInFailures: jest.fn().mockResolvedValue(undefined),
  };
  const hasher = {
    hash: jest.fn().mockResolvedValue('$argon2id$hash'),
    verify: jest.fn().mockResolvedValue(true),
    verifyDummy: jest.fn().mockResolvedValue(undefined),
  };
  const records = { create: jest.fn().mockResolvedValue({ id: 'r-1', name: 'Ada', relationship: 'self', createdAt: 'x' }) };
  const sessions = { issue: jest.fn().mockResolvedValue(session) };
  const dataSource = { transaction: jest.fn((fn: (m: EntityManager) => unknown) => fn(manager)), manager: { name: 'default' } };
  const outbox = { enqueue: jest.fn().mockResolvedValue([]) };
  const sut = new PersonsService(
    persons as unknown as PersonsRepository,
    hasher as unknown as PasswordHasher,
    records as unknown as RecordsService,
    sessions as unknown as SessionsService,
    dataSource as unknown as DataSource,
    outbox as unknown as OutboxWriter,
    { SIGN_IN_MAX_FAILURES: '10', SIGN_IN_WINDOW_MINUTES: '15' },
  );
  return { sut, persons, hasher, records, sessions, dataSource, outbox };
}

async function codeOf(p: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return { code: (err as DomainError).code, message: (err as DomainError).message };
}

describe(PersonsService.name, () => {
  describe('signUp', () => {
    const req = { email: 'Ada@Example.org', password: 'correct horse battery', name: ' Ada ' };

    it('creates the person, their own record and a session in one transaction', async () => {
      const { sut, persons, records, sessions, dataSource, hasher, outbox } = setup();
      const res = await sut.signUp(req);
      expect(dataSource.transaction).toHaveBeenCalledTimes(1);
      const person = persons.insert.mock.calls[0][1];
      expect(persons.insert).toHaveBeenCalledWith(manager, { id: person.id, email: 'Ada@Example.org', name: 'Ada', passwordHash: '$argon2id$hash' });
      expect(hasher.hash).toHaveBeenCalledWith(req.password);
      expect(records.create).toHaveBeenCalledWith(person.id, 'Ada', 'self', manager);
      expect(sessions.issue).toHaveBeenCalledWith(manager, person.id);
      expect(res).toEqual({ person: { id: person.id, email: 'Ada@Example.org', name: 'Ada' }, recordId: 'r-1', session });
      expect(outbox.enqueue).toHaveBeenCalledWith(
        manager,
        expect.objectContaining({ data: expect.objectContaining({ action: 'sign-up', outcome: 'success', personId: person.id, recordId: 'r-1' }) }),
      );
    });

    it('answers CONFLICT for a taken email without hashing', async () => {
      const { sut, persons, hasher } = setup();
      persons.emailTaken.mockResolvedValue(true);
      expect((await codeOf(sut.signUp(req))).code).toBe(ErrorCode.CONFLICT);
      expect(hasher.hash).not.toHaveBeenCalled();
    });

    it('answers CONFLICT when a concurrent sign-up took the email first', async () => {
      const { sut, persons } = setup();
      persons.insert.mockRejectedValue(Object.assign(new Error('dup'), { driverError: { code: '23505', constraint: 'persons_email_lower_uq' } }));
      expect((await codeOf(sut.signUp(req))).code).toBe(ErrorCode.CONFLICT);
    });
  });

  describe('signIn', () => {
    const req = { email: ' Ada@Example.ORG ', password: 'correct horse battery' };
    const stored = { id: 'p-1', email: 'ada@example.org', name: 'Ada', passwordHash: '$argon2id$stored' };

    it('issues a session for the right password and forgets earlier failures', async () => {
      const { sut, persons, hasher, sessions } = setup();
      persons.findByEmail.mockResolvedValue(stored);
      const res = await sut.signIn(req);
      expect(persons.reserveSignInAttempt).toHaveBeenCalledWith('ada@example.org', 10, 15);
      expect(hasher.verify).toHaveBeenCalledWith('$argon2id$stored', req.password);
      expect(persons.clearSignInFailures).toHaveBeenCalledWith('ada@example.org');
      expect(sessions.issue).toHaveBeenCalledWith(expect.anything(), 'p-1');
      expect(res).toEqual({ person: { id: 'p-1', email: 'ada@example.org', name: 'Ada' }, session });
    });

    it('answers the same UNAUTHENTICATED for a wrong password and for an unknown email', async () => {
      const wrong = setup();
      wrong.persons.findByEmail.mockResolvedValue(stored);
      wrong.hasher.verify.mockResolvedValue(false);
      const unknown = setup();
      const a = await codeOf(wrong.sut.signIn(req));
      const b = await codeOf(unknown.sut.signIn(req));
      expect(a).toEqual({ code: ErrorCode.UNAUTHENTICATED, message: SIGN_IN_FAILED });
      expect(b).toEqual(a);
      expect(unknown.hasher.verifyDummy).toHaveBeenCalledWith(req.password);
      expect(wrong.persons.clearSignInFailures).not.toHaveBeenCalled();
      expect(wrong.sessions.issue).not.toHaveBeenCalled();
    });

    it('answers RATE_LIMITED before looking anything up or hashing', async () => {
      const { sut, persons, hasher } = setup();
      persons.reserveSignInAttempt.mockResolvedValue(false);
      expect((await codeOf(sut.signIn(req))).code).toBe(ErrorCode.RATE_LIMITED);
      expect(persons.findByEmail).not.toHaveBeenCalled();
      expect(hasher.verify).not.toHaveBeenCalled();
      expect(hasher.verifyDummy).not.toHaveBeenCalled();
    });

    it('audits a success with its session in the same transaction, and each failure with its reason (never the password)', async () => {
      const ok = setup();
      ok.persons.findByEmail.mockResolvedValue(stored);
      await ok.sut.signIn({ ...req, clientAddress: '203.0.113.7' }, 'corr-1');
      expect(ok.outbox.enqueue).toHaveBeenCalledWith(
        manager,
        expect.objectContaining({
          data: expect.objectContaining({ action: 'sign-in', outcome: 'success', personId: 'p-1', clientAddress: '203.0.113.7', correlationId: 'corr-1', details: { sessionId: 's-1' } }),
        }),
      );
      const wrong = setup();
      wrong.persons.findByEmail.mockResolvedValue(stored);
      wrong.hasher.verify.mockResolvedValue(false);
      await codeOf(wrong.sut.signIn(req));
      const limited = setup();
      limited.persons.reserveSignInAttempt.mockResolvedValue(false);
      await codeOf(limited.sut.signIn(req));
      const unknown = setup();
      await codeOf(unknown.sut.signIn(req));
      const reasons = [wrong, limited, unknown].map((x) => {
        expect(x.dataSource.transaction).toHaveBeenCalledTimes(1);
        const event = x.outbox.enqueue.mock.calls[0][1];
        expect(JSON.stringify(event)).not.toContain(req.password);
        expect(event.data).toMatchObject({ action: 'sign-in-failed', outcome: 'failure' });
        return [event.data.personId ?? null, event.data.details.reason];
      });
      expect(reasons).toEqual([['p-1', 'wrong-password'], [null, 'rate-limited'], [null, 'unknown-email']]);
    });
  });
});
