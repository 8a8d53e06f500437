import {
  type AnswerRequest,
  type AnswerResponse,
  type CompleteRequest,
  type CompleteResponse,
  type EnterCodeRequest,
  type EnterCodeResponse,
  ErrorCode,
  type TicketView,
  auditRecorded,
} from '@carevault/contracts';
import { DomainError, type NewEvent, OutboxWriter, PINO_LOGGER, SERVICE_CONFIG, validationFailed } from '@carevault/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { type ConnectRequestEnv, type ConnectSettings, settingsOf } from '../config';
import { AnswerHasher, normalizeAnswer } from '../secrets/answer';
import { clientAddressKey } from '@carevault/platform';
import { canonicalPickupCode, hashPickupCode } from '../secrets/pickup-code';
import { hashTicket, newTicket } from '../secrets/ticket';
import { PickupService } from './pickup.service';
import { RateLimiter } from './rate-limiter';
import { RedeemRepository, type TicketRow } from './redeem.repository';

/** The one answer for every code that cannot be picked up: unknown, expired, locked, deleted, mistyped. */
export const CODE_NOT_FOUND = 'this code is not valid; check it and try again';
export const TICKET_GONE = 'this pickup has expired; enter the code again';
export const LOCKED = 'too many wrong answers: this connect request is locked; ask for a new code';

/** The person's side of Patient Connect: enter the code, answer the question, complete the pickup. */
@Injectable()
export class RedeemService {
  private readonly settings: ConnectSettings;

  constructor(
    private readonly repo: RedeemRepository,
    private readonly limiter: RateLimiter,
    private readonly hasher: AnswerHasher,
    private readonly pickups: PickupService,
    @Inject(SERVICE_CONFIG) config: ConnectRequestEnv,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
    private readonly outbox: OutboxWriter,
  ) {
    this.settings = settingsOf(config);
  }

  /**
   * Rate-limited per person and per client address before anything is looked up or hashed. Every
   * code, well-formed or not, costs one SHA-256 and one indexed query, and every failure answers the
   * same NOT_FOUND. Every entry is audited (never the code): a success with its ticket, in one transaction.
   */
  async enterCode(req: EnterCodeRequest, correlationId: string | null = null): Promise<EnterCodeResponse> {
    const who = { personId: req.personId, clientAddress: req.clientAddress, correlationId };
    const allowed = await this.limiter.hit(
      [
        { key: `person:${req.personId}`, max: this.settings.maxPerPerson },
        { key: `address:${clientAddressKey(req.clientAddress)}`, max: this.settings.maxPerAddress },
      ],
      this.settings.windowMinutes,
    );
    if (!allowed) {
      await this.audit(auditRecorded('connect-code-entered', 'failure', { ...who, details: { reason: 'rate-limited' } }));
      throw new DomainError(ErrorCode.RATE_LIMITED, 'too many codes entered; try again later');
    }
    const request = await this.repo.findRedeemable(hashPickupCode(canonicalPickupCode(req.code)), this.settings.maxAttempts);
    if (!request) {
      await this.audit(auditRecorded('connect-code-entered', 'failure', { ...who, details: { reason: 'not-found' } }));
      throw new DomainError(ErrorCode.NOT_FOUND, CODE_NOT_FOUND);
    }
    const ticket = newTicket();
    const expiresAt = await this.repo.dataSource.transaction(async (m) => {
      const at = await this.repo.insertTicket(ticket.hash, request.id, req.personId, this.settings.ticketTtlMinutes, m);
      await this.outbox.enqueue(m, auditRecorded('connect-code-entered', 'success', { ...who, appId: request.app_id, details: { requestId: request.id } }));
      return at;
    });
    return {
      ticket: ticket.token,
      appId: request.app_id,
      question: request.question,
      attemptsLeft: this.attemptsLeft(request.wrong_attempts),
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** Wrong answers and locks are audited (never the answer), in the transaction that counts them. */
  async answer(req: AnswerRequest, correlationId: string | null = null): Promise<AnswerResponse> {
    const t = await this.liveTicket(req.personId, req.ticket);
    const who = { personId: req.personId, appId: t.app_id, clientAddress: req.clientAddress, correlationId };
    if (t.answered) return this.answered(req.ticket, t);
    const answer = normalizeAnswer(req.answer);
    if (!answer) throw validationFailed([{ field: 'answer', message: 'answer must not be empty' }]);
    const reserved = await this.repo.reserveAttempt(t.request_id, this.settings.maxAttempts);
    if (!reserved) {
      if (await this.repo.isLockedOut(t.request_id, this.settings.maxAttempts)) {
        await this.audit(auditRecorded('connect-locked', 'failure', { ...who, details: { requestId: t.request_id, reason: 'already-locked' } }));
        throw new DomainError(ErrorCode.RETRY_LIMIT_EXCEEDED, LOCKED);
      }
      throw new DomainError(ErrorCode.NOT_FOUND, TICKET_GONE);
    }
    let right: boolean;
    try {
      right = await this.hasher.verify(reserved.answer_hash, answer);
    } catch (err) {
      await this.repo.releaseAttempt(t.request_id);
      throw err;
    }
    if (right) {
      await this.repo.acceptAnswer(t.request_id, t.id);
      return this.answered(req.ticket, t);
    }
    const after = await this.repo.dataSource.transaction(async (m) => {
      const counted = await this.repo.recordWrongAnswer(t.request_id, this.settings.maxAttempts, m);
      const details = { requestId: t.request_id, wrongAttempts: String(counted.wrong_attempts) };
      await this.outbox.enqueue(m, auditRecorded('connect-answer-wrong', 'failure', { ...who, details }));
      if (counted.state === 'locked') {
        await this.outbox.enqueue(m, auditRecorded('connect-locked', 'failure', { ...who, details: { ...details, reason: 'too-many-wrong-answers' } }));
      }
      return counted;
    });
    const log = { requestId: t.request_id, appId: t.app_id, personId: req.personId, clientAddress: req.clientAddress, wrongAttempts: after.wrong_attempts };
    if (after.state === 'locked') {
      this.logger.warn(log, 'connect request locked after too many wrong answers');
      throw new DomainError(ErrorCode.RETRY_LIMIT_EXCEEDED, LOCKED);
    }
    this.logger.info(log, 'wrong answer to a connect request question');
    const left = this.attemptsLeft(after.wrong_attempts);
    const message = `that answer is not right; ${left} ${left === 1 ? 'try' : 'tries'} left`;
    throw validationFailed([{ field: 'answer', message }], message);
  }

  async getTicket(personId: string, token: string): Promise<TicketView> {
    const t = await this.liveTicket(personId, token);
    if (!t.answered && (t.state === 'locked' || this.attemptsLeft(t.wrong_attempts) === 0)) throw new DomainError(ErrorCode.RETRY_LIMIT_EXCEEDED, LOCKED);
    return {
      appId: t.app_id,
      stage: t.answered ? 'answered' : 'question',
      question: t.question,
      friendlyName: t.answered ? t.friendly_name : null,
      attemptsLeft: this.attemptsLeft(t.wrong_attempts),
      expiresAt: t.expires_at.toISOString(),
    };
  }

  async complete(req: CompleteRequest, correlationId: string | null): Promise<CompleteResponse> {
    const t = await this.repo.findTicket(hashTicket(req.ticket), req.personId);
    if (!t || !t.answered || t.state === 'deleted') throw new DomainError(ErrorCode.NOT_FOUND, TICKET_GONE);
    return this.pickups.complete(t, req, correlationId);
  }

  /**
   * A ticket of this person that can still be used, or NOT_FOUND: before the answer its request must
   * still be redeemable (or locked, which the caller reports); after it, only not deleted.
   */
  private async liveTicket(personId: string, token: string): Promise<TicketRow> {
    const t = await this.repo.findTicket(hashTicket(token), personId);
    if (!t || !t.live || t.completed || t.state === 'deleted') throw new DomainError(ErrorCode.NOT_FOUND, TICKET_GONE);
    if (!t.answered && !t.redeemable && t.state !== 'locked') throw new DomainError(ErrorCode.NOT_FOUND, TICKET_GONE);
    return t;
  }

  /** An audit event on its own (a refusal changes nothing else): if it cannot be written, the step fails. */
  private async audit(event: NewEvent<unknown>): Promise<void> {
    await this.repo.dataSource.transaction((m) => this.outbox.enqueue(m, event));
  }

  private answered(ticket: string, t: TicketRow): AnswerResponse {
    return { ticket, appId: t.app_id, friendlyName: t.friendly_name, expiresAt: t.expires_at.toISOString() };
  }

  private attemptsLeft(wrongAttempts: number): number {
    return Math.max(0, this.settings.maxAttempts - wrongAttempts);
  }
}
