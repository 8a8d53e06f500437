import { type ConnectRequestAuthorizedEvent, ConnectRequestCmd, ConnectRequestEvt, ErrorCode } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { ANSWER, createRequest, inParallel, outcome, pickUp, someAddress, typed } from '../../test/flows';
import { type ConnectHarness, rpcError, startConnectRequest } from '../../test/harness';
import { generatePickupCode } from '../secrets/pickup-code';
import { RedeemRepository } from './redeem.repository';
import { CODE_NOT_FOUND } from './redeem.service';

describe('connect-request: picking up (real PostgreSQL, private NATS)', () => {
  let h: ConnectHarness;
  const appId = randomUUID();
  const enter = (code: string, personId: string = randomUUID(), clientAddress = someAddress()) =>
    h.rpc.request(ConnectRequestCmd.EnterCode, { personId, clientAddress, code });
  const answer = (personId: string, ticket: string, text: string) => h.rpc.request(ConnectRequestCmd.Answer, { personId, clientAddress: someAddress(), ticket, answer: text });
  const requestRow = (externalId: string) =>
    h.sql<{ state: string; attempts: number; wrong_attempts: number }>(
      `SELECT state, attempts, wrong_attempts FROM connect_request.requests WHERE app_id = $1 AND external_id = $2`,
      [appId, externalId],
    );

  beforeAll(async () => {
    h = await startConnectRequest();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('goes code (typed lower case without dashes) → answer → complete, and polling and the event stream show it', async () => {
    const created = await createRequest(h, appId, 'patient-flow');
    const personId = randomUUID();
    const entered = await enter(typed(created.pickupCode), personId);
    expect(entered).toEqual({ ticket: expect.any(String), appId, question: 'Name of your first pet?', attemptsLeft: 3, expiresAt: expect.any(String) });
    expect(await h.rpc.request(ConnectRequestCmd.GetTicket, { personId, ticket: entered.ticket })).toMatchObject({ stage: 'question', friendlyName: null, attemptsLeft: 3 });

    const answered = await answer(personId, entered.ticket, '  rex   THE dog ');
    expect(answered).toEqual({ ticket: entered.ticket, appId, friendlyName: 'Sam Lee at Contoso Pharmacy', expiresAt: entered.expiresAt });
    expect(await h.rpc.request(ConnectRequestCmd.GetTicket, { personId, ticket: entered.ticket })).toMatchObject({ stage: 'answered', friendlyName: 'Sam Lee at Contoso Pharmacy' });

    const grant = h.consent.grant(appId, randomUUID(), personId);
    const req = { personId, ticket: entered.ticket, recordId: grant.recordId, grantId: grant.grantId };
    const done = await h.rpc.request(ConnectRequestCmd.Complete, req, { correlationId: 'it-connect-1' });
    expect(done).toEqual({ appId, friendlyName: 'Sam Lee at Contoso Pharmacy', externalId: 'patient-flow', recordId: grant.recordId, grantId: grant.grantId, authorizedAt: expect.any(String) });
    // A retry after a lost reply answers the same and adds nothing.
    expect(await h.rpc.request(ConnectRequestCmd.Complete, req)).toEqual(done);
    expect(await requestRow('patient-flow')).toEqual([{ state: 'authorized', attempts: 0, wrong_attempts: 0 }]);

    const list = await h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId });
    expect(list.items).toContainEqual({ externalId: 'patient-flow', personId, recordId: grant.recordId, grantId: grant.grantId, authorizedAt: done.authorizedAt });

    const events = await h.events<ConnectRequestAuthorizedEvent>(ConnectRequestEvt.Authorized, (e) => e.data.grantId === grant.grantId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'connect-request.authorized', version: 1, correlationId: 'it-connect-1' });
    expect(events[0]!.data).toEqual({ appId, externalId: 'patient-flow', personId, recordId: grant.recordId, grantId: grant.grantId, authorizedAt: done.authorizedAt });
    const outbox = await h.sql<{ envelope: unknown }>(`SELECT envelope FROM connect_request.outbox WHERE envelope->'data'->>'grantId' = $1`, [grant.grantId]);
    expect(outbox).toHaveLength(1);
    const text = JSON.stringify(outbox[0]).toLowerCase();
    for (const secret of [typed(created.pickupCode), ANSWER.toLowerCase(), entered.ticket.toLowerCase(), 'first pet']) expect(text).not.toContain(secret);

    // The used ticket cannot go on.
    expect((await rpcError(answer(personId, entered.ticket, ANSWER))).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('can be picked up again for another record (its own pickup and event); the same grant again adds nothing', async () => {
    const created = await createRequest(h, appId, 'patient-twice');
    const first = await pickUp(h, appId, created.pickupCode);
    const second = await pickUp(h, appId, created.pickupCode, { personId: first.personId });
    expect(second.recordId).not.toBe(first.recordId);
    const items = (await h.rpc.request(ConnectRequestCmd.ListAuthorized, { appId, limit: 500 })).items.filter((i) => i.externalId === 'patient-twice');
    expect(items.map((i) => i.recordId)).toEqual([first.recordId, second.recordId]);
    const events = await h.events<ConnectRequestAuthorizedEvent>(ConnectRequestEvt.Authorized, (e) => e.data.externalId === 'patient-twice', 2);
    expect(events).toHaveLength(2);

    const entered = await enter(typed(created.pickupCode), first.personId);
    await answer(first.personId, entered.ticket, ANSWER);
    const again = await h.rpc.request(ConnectRequestCmd.Complete, { personId: first.personId, ticket: entered.ticket, recordId: first.recordId, grantId: first.grantId });
    expect(again.authorizedAt).toBe(first.authorizedAt);
    expect(await h.sql(`SELECT 1 FROM connect_request.pickups WHERE grant_id = $1`, [first.grantId])).toHaveLength(1);
  });

  it('counts exactly 3 of 20 wrong answers sent at once, locks, and then refuses the right answer', async () => {
    const created = await createRequest(h, appId, 'patient-lock');
    const personId = randomUUID();
    const { ticket } = await enter(typed(created.pickupCode), personId);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome(answer(personId, ticket, `wrong ${i}`))));
    expect(results.filter((r) => r === ErrorCode.VALIDATION_FAILED)).toHaveLength(2);
    expect(results.filter((r) => r === ErrorCode.RETRY_LIMIT_EXCEEDED)).toHaveLength(18);
    expect(await requestRow('patient-lock')).toEqual([{ state: 'locked', attempts: 3, wrong_attempts: 3 }]);

    expect((await rpcError(answer(personId, ticket, ANSWER))).code).toBe(ErrorCode.RETRY_LIMIT_EXCEEDED);
    expect((await rpcError(h.rpc.request(ConnectRequestCmd.GetTicket, { personId, ticket }))).code).toBe(ErrorCode.RETRY_LIMIT_EXCEEDED);
    const locked = await rpcError(enter(typed(created.pickupCode)));
    expect(locked.body).toEqual({ code: ErrorCode.NOT_FOUND, message: CODE_NOT_FOUND });
  });

  it('says how many tries are left, and does not count a right answer as wrong', async () => {
    const created = await createRequest(h, appId, 'patient-tries');
    const personId = randomUUID();
    const { ticket } = await enter(typed(created.pickupCode), personId);
    const wrong = await rpcError(answer(personId, ticket, 'Tom'));
    expect(wrong.body).toEqual({ code: ErrorCode.VALIDATION_FAILED, message: 'that answer is not right; 2 tries left', errors: [{ field: 'answer', message: 'that answer is not right; 2 tries left' }] });
    expect((await h.rpc.request(ConnectRequestCmd.GetTicket, { personId, ticket })).attemptsLeft).toBe(2);
    await answer(personId, ticket, ANSWER);
    expect(await requestRow('patient-tries')).toEqual([{ state: 'pending', attempts: 1, wrong_attempts: 1 }]);
  });

  it('finds nothing in 1,000 random guesses and rate-limits the person before any lookup', async () => {
    const lookups = jest.spyOn(h.app.get(RedeemRepository), 'findRedeemable');
    const personId = randomUUID();
    const address = someAddress();
    try {
      const results = await inParallel(1000, 50, () => outcome(enter(generatePickupCode(), personId, address)));
      expect(results.filter((r) => r === 'OK')).toHaveLength(0);
      expect(results.filter((r) => r === ErrorCode.NOT_FOUND)).toHaveLength(10);
      expect(results.filter((r) => r === ErrorCode.RATE_LIMITED)).toHaveLength(990);
      expect(lookups).toHaveBeenCalledTimes(10);
    } finally {
      lookups.mockRestore();
    }
    const [hits] = await h.sql<{ n: number }>(`SELECT sum(hits)::int AS n FROM connect_request.rate_limits WHERE key = $1`, [`person:${personId}`]);
    expect(hits!.n).toBe(1000);
    expect(await h.sql(`SELECT 1 FROM connect_request.tickets WHERE person_id = $1`, [personId])).toHaveLength(0);
  });

  it('rate-limits one client address across people (30 entries)', async () => {
    const address = someAddress();
    const results = await inParallel(36, 12, () => outcome(enter('ABCD-EFGH-JKMN-PQRS-TUVW', randomUUID(), address)));
    expect(results.filter((r) => r === ErrorCode.NOT_FOUND)).toHaveLength(30);
    expect(results.filter((r) => r === ErrorCode.RATE_LIMITED)).toHaveLength(6);
  });

  it('keeps a person limited in the previous window limited at the start of this one', async () => {
    const personId = randomUUID();
    await h.sql(
      `INSERT INTO connect_request.rate_limits (key, window_start, hits)
       VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / 900) * 900) - interval '15 minutes', 100000)`,
      [`person:${personId}`],
    );
    expect((await rpcError(enter('ABCD-EFGH-JKMN-PQRS-TUVW', personId))).code).toBe(ErrorCode.RATE_LIMITED);
    expect((await rpcError(enter('ABCD-EFGH-JKMN-PQRS-TUVW'))).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('treats an expired request like an unknown code, also for a ticket taken before it expired', async () => {
    const created = await createRequest(h, appId, 'patient-late');
    const personId = randomUUID();
    const { ticket } = await enter(typed(created.pickupCode), personId);
    await h.sql(`UPDATE connect_request.requests SET expires_at = now() - interval '1 second' WHERE app_id = $1 AND external_id = 'patient-late'`, [appId]);
    expect((await rpcError(enter(typed(created.pickupCode)))).body).toEqual({ code: ErrorCode.NOT_FOUND, message: CODE_NOT_FOUND });
    expect((await rpcError(answer(personId, ticket, ANSWER))).code).toBe(ErrorCode.NOT_FOUND);
    expect((await rpcError(enter('not-a-code-at-all'))).body).toEqual({ code: ErrorCode.NOT_FOUND, message: CODE_NOT_FOUND });
  });

  it('stops a pickup in progress when the application deletes the request', async () => {
    const created = await createRequest(h, appId, 'patient-gone');
    const personId = randomUUID();
    const { ticket } = await enter(typed(created.pickupCode), personId);
    await answer(personId, ticket, ANSWER);
    await h.rpc.request(ConnectRequestCmd.Delete, { appId, externalId: 'patient-gone' });
    const grant = h.consent.grant(appId, randomUUID(), personId);
    expect((await rpcError(h.rpc.request(ConnectRequestCmd.Complete, { personId, ticket, recordId: grant.recordId, grantId: grant.grantId }))).code).toBe(ErrorCode.NOT_FOUND);
    expect((await rpcError(enter(typed(created.pickupCode)))).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('binds the ticket to its person, needs an answer before completing, and checks the grant', async () => {
    const created = await createRequest(h, appId, 'patient-bound');
    const personId = randomUUID();
    const { ticket } = await enter(typed(created.pickupCode), personId);
    const grant = h.consent.grant(appId, randomUUID(), personId);
    const complete = (over: Record<string, string> = {}) =>
      h.rpc.request(ConnectRequestCmd.Complete, { personId, ticket, recordId: grant.recordId, grantId: grant.grantId, ...over });
    expect((await rpcError(complete())).code).toBe(ErrorCode.NOT_FOUND);
    expect((await rpcError(answer(randomUUID(), ticket, ANSWER))).code).toBe(ErrorCode.NOT_FOUND);
    await answer(personId, ticket, ANSWER);
    expect((await rpcError(complete({ personId: randomUUID() }))).code).toBe(ErrorCode.NOT_FOUND);
    const foreign = h.consent.grant(randomUUID(), grant.recordId, personId);
    expect((await rpcError(complete({ grantId: foreign.grantId }))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await rpcError(complete({ recordId: randomUUID() }))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await rpcError(complete({ grantId: randomUUID() }))).code).toBe(ErrorCode.VALIDATION_FAILED);
    await expect(complete()).resolves.toMatchObject({ grantId: grant.grantId });
  });
});
