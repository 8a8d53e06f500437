import { type ApplicationView, ConnectRequestCmd, ConsentCmd, ErrorCode, IdentityCmd, type TicketView } from '@carevault/contracts';
import { type RpcClient, RpcError } from '@carevault/platform';
import type { Logger } from 'pino';
import type { SignedInSession } from '../web/session';
import { ConnectFlowService } from './connect-flow.service';

const APP_ID = '7d1f1e0a-8a5b-4c1e-9d7e-0b8f6c5a4e31';
const RECORD_ID = '2c9a4f7e-1b3d-4e6f-8a9b-0c1d2e3f4a5b';
const GRANT_ID = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const session = { sessionId: 's', person: { id: '0d6f3c2a-1b4e-4c5d-9e8f-7a6b5c4d3e2f', name: 'Sam', email: 'sam@example.org' }, expiresAt: '2030-01-01T00:00:00Z' } as SignedInSession;
const pickup = { appId: APP_ID, ticket: 't'.repeat(43) };

const app = (o: Partial<ApplicationView> = {}) => ({ appId: APP_ID, name: 'Contoso Pharmacy', rules: [], ruleSetVersion: 3, ...o }) as ApplicationView;
const ticket = (o: Partial<TicketView> = {}): TicketView => ({ appId: APP_ID, stage: 'answered', question: 'Pet?', friendlyName: "Dr. Lee's clinic", attemptsLeft: 3, expiresAt: '2030-01-01T00:00:00Z', ...o });
const refuse = (code: ErrorCode, message = 'no', errors?: { field: string; message: string }[]) => new RpcError({ code, message, ...(errors ? { errors } : {}) });

type Answers = Record<string, (data: never) => unknown>;

function setup(answers: Answers) {
  const defaults: Answers = {
    [IdentityCmd.GetApplication]: () => app(),
    [IdentityCmd.ListRecords]: () => ({ items: [{ id: RECORD_ID, name: 'Sam', relationship: 'self', createdAt: '' }], nextCursor: null }),
    [ConnectRequestCmd.GetTicket]: () => ticket(),
  };
  const all = { ...defaults, ...answers };
  const request = jest.fn(async (subject: string, data: unknown) => {
    const answer = all[subject];
    if (!answer) throw new Error(`unexpected ${subject}`);
    const out = (answer as (d: unknown) => unknown)(data);
    if (out instanceof Error) throw out;
    return out;
  });
  const logger = { warn: jest.fn(), error: jest.fn() } as unknown as Logger;
  const sut = new ConnectFlowService({ request } as unknown as RpcClient, logger);
  const sent = (subject: string) => request.mock.calls.filter(([s]) => s === subject).map(([, d]) => d);
  return { sut, sent };
}

describe(ConnectFlowService.name, () => {
  describe('enterCode', () => {
    it('answers the question step with the pickup to keep in the cookie', async () => {
      const { sut, sent } = setup({ [ConnectRequestCmd.EnterCode]: () => ({ ticket: pickup.ticket, appId: APP_ID, question: 'Pet?', attemptsLeft: 3, expiresAt: 'x' }) });
      expect(await sut.enterCode(session, 'abcd', '10.0.0.1', 'c')).toEqual({ kind: 'question', pickup, expiresAt: 'x', appName: 'Contoso Pharmacy', question: 'Pet?' });
      expect(sent(ConnectRequestCmd.EnterCode)).toEqual([{ personId: session.person.id, clientAddress: '10.0.0.1', code: 'abcd' }]);
    });

    it.each([
      [ErrorCode.NOT_FOUND, 'bad-code'],
      [ErrorCode.VALIDATION_FAILED, 'bad-code'],
      [ErrorCode.RATE_LIMITED, 'rate-limited'],
    ])('turns %s into %s', async (code, kind) => {
      const { sut } = setup({ [ConnectRequestCmd.EnterCode]: () => refuse(code) });
      expect(await sut.enterCode(session, 'x', 'a', 'c')).toEqual({ kind });
    });

    it('throws what a page cannot explain (a service down)', async () => {
      const { sut } = setup({ [ConnectRequestCmd.EnterCode]: () => refuse(ErrorCode.UNAVAILABLE) });
      await expect(sut.enterCode(session, 'x', 'a', 'c')).rejects.toBeInstanceOf(RpcError);
    });
  });

  describe('answer', () => {
    it("asks again with the service's tries-left message after a wrong answer", async () => {
      const { sut } = setup({
        [ConnectRequestCmd.GetTicket]: () => ticket({ stage: 'question', friendlyName: null }),
        [ConnectRequestCmd.Answer]: () => refuse(ErrorCode.VALIDATION_FAILED, 'x', [{ field: 'answer', message: 'that answer is not right; 2 tries left' }]),
      });
      expect(await sut.answer(session, pickup, 'wrong', 'a', 'c')).toEqual({
        kind: 'question',
        appName: 'Contoso Pharmacy',
        question: 'Pet?',
        error: { message: 'That answer is not right; 2 tries left.', details: [], fields: ['answer'] },
      });
    });

    it('names the application when the request is locked, and does not answer an answered ticket again', async () => {
      const locked = setup({ [ConnectRequestCmd.GetTicket]: () => refuse(ErrorCode.RETRY_LIMIT_EXCEEDED) });
      expect(await locked.sut.answer(session, pickup, 'x', 'a', 'c')).toEqual({ kind: 'locked', appName: 'Contoso Pharmacy' });
      const answered = setup({});
      expect(await answered.sut.answer(session, pickup, 'x', 'a', 'c')).toEqual({ kind: 'answered' });
      expect(answered.sent(ConnectRequestCmd.Answer)).toEqual([]);
    });
  });

  describe('approve', () => {
    const upsert = (outcome: 'created' | 'unchanged') => () => ({ grant: { grantId: GRANT_ID, recordId: RECORD_ID }, outcome });

    it('grants with source connect on the current rule set, then completes the pickup', async () => {
      const { sut, sent } = setup({ [ConsentCmd.UpsertGrant]: upsert('created'), [ConnectRequestCmd.Complete]: () => ({}) });
      const out = await sut.approve(session, pickup, RECORD_ID, ['Allergies'], 'c');
      expect(out).toMatchObject({ kind: 'connected', app: { name: 'Contoso Pharmacy' }, record: { id: RECORD_ID, name: 'Sam' } });
      expect(sent(ConsentCmd.UpsertGrant)).toEqual([{ appId: APP_ID, recordId: RECORD_ID, personId: session.person.id, ruleSetVersion: 3, optionalRules: ['Allergies'], source: 'connect' }]);
      expect(sent(ConnectRequestCmd.Complete)).toEqual([{ personId: session.person.id, ticket: pickup.ticket, recordId: RECORD_ID, grantId: GRANT_ID }]);
    });

    it('revokes the grant it created when the pickup cannot be completed', async () => {
      const { sut, sent } = setup({ [ConsentCmd.UpsertGrant]: upsert('created'), [ConnectRequestCmd.Complete]: () => refuse(ErrorCode.NOT_FOUND), [ConsentCmd.RevokeGrant]: () => ({}) });
      expect(await sut.approve(session, pickup, RECORD_ID, [], 'c')).toEqual({ kind: 'failed', appName: 'Contoso Pharmacy' });
      expect(sent(ConsentCmd.RevokeGrant)).toEqual([{ grantId: GRANT_ID, personId: session.person.id, reason: 'Patient Connect pickup could not be completed' }]);
    });

    it('leaves a grant alone that existed before this pickup', async () => {
      const { sut, sent } = setup({ [ConsentCmd.UpsertGrant]: upsert('unchanged'), [ConnectRequestCmd.Complete]: () => refuse(ErrorCode.UNAVAILABLE) });
      expect(await sut.approve(session, pickup, RECORD_ID, [], 'c')).toEqual({ kind: 'failed', appName: 'Contoso Pharmacy' });
      expect(sent(ConsentCmd.RevokeGrant)).toEqual([]);
    });

    it('grants nothing for a record that is not the person’s, or a ticket not yet answered', async () => {
      const other = setup({});
      expect(await other.sut.approve(session, pickup, GRANT_ID, [], 'c')).toMatchObject({ kind: 'consent', error: { fields: ['record_id'] } });
      const unanswered = setup({ [ConnectRequestCmd.GetTicket]: () => ticket({ stage: 'question', friendlyName: null }) });
      expect(await unanswered.sut.approve(session, pickup, RECORD_ID, [], 'c')).toMatchObject({ kind: 'question' });
      expect([...other.sent(ConsentCmd.UpsertGrant), ...unanswered.sent(ConsentCmd.UpsertGrant)]).toEqual([]);
    });
  });
});
