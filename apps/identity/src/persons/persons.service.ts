import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type SignInRequest, type SignInResponse, type SignUpRequest, type SignUpResponse, auditRecorded } from '@carevault/contracts';
import { DomainError, OutboxWriter, SERVICE_CONFIG } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { IdentityEnv } from '../config';
import { isUniqueViolation } from '../db';
import { RecordsService } from '../records/records.service';
import { SessionsService } from '../sessions/sessions.service';
import { PasswordHasher } from './password-hasher';
import { PersonsRepository } from './persons.repository';

/** The one answer for every failed sign-in: unknown email and wrong password look alike. */
export const SIGN_IN_FAILED = 'email or password is wrong';
const EMAIL_TAKEN = 'an account with this email already exists';

export const emailKey = (email: string) => email.trim().toLowerCase();

@Injectable()
export class PersonsService {
  private readonly maxFailures: number;
  private readonly windowMinutes: number;

  constructor(
    private readonly persons: PersonsRepository,
    private readonly hasher: PasswordHasher,
    private readonly records: RecordsService,
    private readonly sessions: SessionsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_CONFIG) config: Pick<IdentityEnv, 'SIGN_IN_MAX_FAILURES' | 'SIGN_IN_WINDOW_MINUTES'>,
  ) {
    this.maxFailures = Number(config.SIGN_IN_MAX_FAILURES);
    this.windowMinutes = Number(config.SIGN_IN_WINDOW_MINUTES);
  }

  /** Person + their own record (relationship "self") + a session + the audit event, in one transaction. */
  async signUp(req: SignUpRequest, correlationId: string | null = null): Promise<SignUpResponse> {
    const email = req.email.trim();
    const name = req.name.trim();
    if (await this.persons.emailTaken(email)) throw new DomainError(ErrorCode.CONFLICT, EMAIL_TAKEN);
    const passwordHash = await this.hasher.hash(req.password);
    const id = randomUUID();
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.persons.insert(manager, { id, email, name, passwordHash });
        const record = await this.records.create(id, name, 'self', manager);
        const session = await this.sessions.issue(manager, id);
        const at = { personId: id, recordId: record.id, clientAddress: req.clientAddress ?? null, correlationId };
        await this.outbox.enqueue(manager, auditRecorded('sign-up', 'success', { ...at, details: { sessionId: session.sessionId } }));
        return { person: { id, email, name }, recordId: record.id, session };
      });
    } catch (err) {
      if (isUniqueViolation(err, 'persons_email_lower_uq')) throw new DomainError(ErrorCode.CONFLICT, EMAIL_TAKEN);
      throw err;
    }
  }

  /**
   * Rate-limited per email before any hashing; every failure answers the same UNAUTHENTICATED. Every
   * attempt is audited: a success with its session (one transaction), a failure in a small transaction of
   * its own (its rate-limit count was reserved up front, before hashing). Never the email or password.
   */
  async signIn(req: SignInRequest, correlationId: string | null = null): Promise<SignInResponse> {
    const key = emailKey(req.email);
    const context = { clientAddress: req.clientAddress ?? null, correlationId };
    if (!(await this.persons.reserveSignInAttempt(key, this.maxFailures, this.windowMinutes))) {
      await this.auditFailure({ ...context, details: { reason: 'rate-limited' } });
      throw new DomainError(ErrorCode.RATE_LIMITED, 'too many failed sign-ins; try again later');
    }
    const person = await this.persons.findByEmail(key);
    if (!person) {
      await this.hasher.verifyDummy(req.password);
      await this.auditFailure({ ...context, details: { reason: 'unknown-email' } });
      throw new DomainError(ErrorCode.UNAUTHENTICATED, SIGN_IN_FAILED);
    }
    if (!(await this.hasher.verify(person.passwordHash, req.password))) {
      await this.auditFailure({ ...context, personId: person.id, details: { reason: 'wrong-password' } });
      throw new DomainError(ErrorCode.UNAUTHENTICATED, SIGN_IN_FAILED);
    }
    await this.persons.clearSignInFailures(key);
    const session = await this.dataSource.transaction(async (manager) => {
      const issued = await this.sessions.issue(manager, person.id);
      await this.outbox.enqueue(manager, auditRecorded('sign-in', 'success', { ...context, personId: person.id, details: { sessionId: issued.sessionId } }));
      return issued;
    });
    return { person: { id: person.id, email: person.email, name: person.name }, session };
  }

  private async auditFailure(fields: { personId?: string; clientAddress: string | null; correlationId: string | null; details: Record<string, string> }) {
    await this.dataSource.transaction((manager) => this.outbox.enqueue(manager, auditRecorded('sign-in-failed', 'failure', fields)));
  }
}
