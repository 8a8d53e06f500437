import { Inject, Injectable } from '@nestjs/common';
import { type ApplicationView, ConnectRequestCmd, ConsentCmd, ErrorCode, IdentityCmd, type RecordView, type TicketView, type UpsertGrantResponse } from '@carevault/contracts';
import { PINO_LOGGER, RpcClient, RpcError } from '@carevault/platform';
import type { Logger } from 'pino';
import type { FormError } from '../web/forms';
import type { SignedInSession } from '../web/session';
import type { Pickup } from './connect-cookie';

/** Where a pickup cannot go on; every one of them is a page of its own. */
export type Stop =
  | { kind: 'bad-code' }
  | { kind: 'rate-limited' }
  | { kind: 'expired' }
  | { kind: 'locked'; appName: string }
  | { kind: 'failed'; appName: string };

export interface QuestionStep {
  kind: 'question';
  appName: string;
  question: string;
  /** A wrong answer or an empty one: the connect-request service's message. */
  error?: FormError;
}

export interface ConsentStep {
  kind: 'consent';
  app: ApplicationView;
  records: RecordView[];
  friendlyName: string;
  error?: FormError;
}

export type EnterCodeOutcome = Stop | (QuestionStep & { pickup: Pickup; expiresAt: string });
export type AnswerOutcome = Stop | QuestionStep | { kind: 'answered' };
export type ConsentOutcome = Stop | QuestionStep | ConsentStep;
export type ApproveOutcome = ConsentOutcome | { kind: 'connected'; app: ApplicationView; record: RecordView };

const failure = (err: unknown, ...codes: ErrorCode[]): err is RpcError => err instanceof RpcError && codes.includes(err.code);

/**
 * The person's side of Patient Connect over the connect-request, identity and consent services:
 * enter-code → answer → consent page → UpsertGrant (source 'connect') → complete. Known refusals come
 * back as outcomes for the pages; anything else (a service down) is thrown for the error page.
 */
@Injectable()
export class ConnectFlowService {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  async enterCode(session: SignedInSession, code: string, clientAddress: string, correlationId: string): Promise<EnterCodeOutcome> {
    try {
      const entered = await this.rpc.request(ConnectRequestCmd.EnterCode, { personId: session.person.id, clientAddress, code }, { correlationId });
      const app = await this.app(entered.appId, correlationId);
      const pickup = { appId: entered.appId, ticket: entered.ticket };
      return { kind: 'question', pickup, expiresAt: entered.expiresAt, appName: app.name, question: entered.question };
    } catch (err) {
      if (failure(err, ErrorCode.RATE_LIMITED)) return { kind: 'rate-limited' };
      if (failure(err, ErrorCode.NOT_FOUND, ErrorCode.VALIDATION_FAILED)) return { kind: 'bad-code' };
      throw err;
    }
  }

  /** Checks the ticket first: it gives the question to ask again after a wrong answer, whatever others did meanwhile. */
  async answer(session: SignedInSession, pickup: Pickup, answer: string, clientAddress: string, correlationId: string): Promise<AnswerOutcome> {
    const ticket = await this.ticket(session, pickup, correlationId);
    if ('kind' in ticket) return ticket;
    if (ticket.stage === 'answered') return { kind: 'answered' };
    const appName = (await this.app(pickup.appId, correlationId)).name;
    try {
      await this.rpc.request(ConnectRequestCmd.Answer, { personId: session.person.id, clientAddress, ticket: pickup.ticket, answer }, { correlationId });
      return { kind: 'answered' };
    } catch (err) {
      if (failure(err, ErrorCode.VALIDATION_FAILED)) {
        const messages = err.body.errors?.map((e) => e.message) ?? [err.body.message];
        return { kind: 'question', appName, question: ticket.question, error: { message: sentence(messages[0] ?? err.body.message), details: [], fields: ['answer'] } };
      }
      return this.stopFor(err, async () => appName);
    }
  }

  async consent(session: SignedInSession, pickup: Pickup, correlationId: string, error?: FormError): Promise<ConsentOutcome> {
    const ticket = await this.ticket(session, pickup, correlationId);
    if ('kind' in ticket) return ticket;
    const [app, records] = await Promise.all([
      this.app(pickup.appId, correlationId),
      this.rpc.request(IdentityCmd.ListRecords, { personId: session.person.id }, { correlationId }),
    ]);
    if (ticket.stage !== 'answered') return { kind: 'question', appName: app.name, question: ticket.question };
    return { kind: 'consent', app, records: records.items, friendlyName: ticket.friendlyName ?? '', error };
  }

  /**
   * Grants the application the current rule set's required rules plus the optional ones chosen, then
   * records the pickup. A grant this pickup created is revoked again when the pickup cannot be recorded
   * (request deleted meanwhile, ticket expired): the person is told, and the application never sees it.
   */
  async approve(session: SignedInSession, pickup: Pickup, recordId: string, optionalRules: string[], correlationId: string): Promise<ApproveOutcome> {
    const step = await this.consent(session, pickup, correlationId);
    if (step.kind !== 'consent') return step;
    const record = step.records.find((r) => r.id === recordId);
    if (!record) return { ...step, error: { message: 'Choose the record the application may use, then press Allow or Deny.', details: [], fields: ['record_id'] } };
    const personId = session.person.id;
    let upserted: UpsertGrantResponse;
    try {
      upserted = await this.rpc.request(
        ConsentCmd.UpsertGrant,
        { appId: step.app.appId, recordId, personId, ruleSetVersion: step.app.ruleSetVersion, optionalRules, source: 'connect' },
        { correlationId },
      );
    } catch (err) {
      if (!failure(err, ErrorCode.VALIDATION_FAILED)) throw err;
      const error = { message: 'Please correct the following and send the form again.', details: (err.body.errors ?? []).map((e) => e.message), fields: ['optional_rules'] };
      return { ...step, error };
    }
    const grantId = upserted.grant.grantId;
    try {
      await this.rpc.request(ConnectRequestCmd.Complete, { personId, ticket: pickup.ticket, recordId, grantId }, { correlationId });
      return { kind: 'connected', app: step.app, record };
    } catch (err) {
      this.logger.warn({ err, appId: step.app.appId, recordId, grantId, correlationId }, 'connect pickup could not be completed after the grant');
      if (upserted.outcome === 'created') await this.revoke(grantId, personId, correlationId);
      return { kind: 'failed', appName: step.app.name };
    }
  }

  private async revoke(grantId: string, personId: string, correlationId: string): Promise<void> {
    try {
      await this.rpc.request(ConsentCmd.RevokeGrant, { grantId, personId, reason: 'Patient Connect pickup could not be completed' }, { correlationId });
    } catch (err) {
      this.logger.error({ err, grantId, correlationId }, 'could not revoke the grant of a failed connect pickup');
    }
  }

  private async ticket(session: SignedInSession, pickup: Pickup, correlationId: string): Promise<TicketView | Stop> {
    try {
      return await this.rpc.request(ConnectRequestCmd.GetTicket, { personId: session.person.id, ticket: pickup.ticket }, { correlationId });
    } catch (err) {
      return this.stopFor(err, () => this.appName(pickup.appId, correlationId));
    }
  }

  private async stopFor(err: unknown, appName: () => Promise<string>): Promise<Stop> {
    if (failure(err, ErrorCode.RETRY_LIMIT_EXCEEDED)) return { kind: 'locked', appName: await appName() };
    if (failure(err, ErrorCode.NOT_FOUND, ErrorCode.VALIDATION_FAILED)) return { kind: 'expired' };
    throw err;
  }

  private app(appId: string, correlationId: string): Promise<ApplicationView> {
    return this.rpc.request(IdentityCmd.GetApplication, { appId }, { correlationId });
  }

  /** For the lock message only: the cookie's application id is the person's own input. */
  private async appName(appId: string, correlationId: string): Promise<string> {
    try {
      return (await this.app(appId, correlationId)).name;
    } catch (err) {
      if (failure(err, ErrorCode.NOT_FOUND, ErrorCode.VALIDATION_FAILED)) return 'the organisation that gave you the code';
      throw err;
    }
  }
}

function sentence(message: string): string {
  const s = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
