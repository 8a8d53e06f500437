import { ErrorCode, IdentityCmd, IdentityEvt, type SessionEndedEvent, type SignUpResponse } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { type IdentityHarness, fieldsOf, rpcError, startIdentity } from '../../test/identity-harness';

describe('identity: persons, sessions and records (real PostgreSQL, private NATS)', () => {
  let h: IdentityHarness;
  const password = 'correct horse battery';
  const email = () => `ada.${randomUUID().slice(0, 8)}@Example.org`;
  const signUp = (e: string, name = 'Ada Lovelace') => h.rpc.request(IdentityCmd.SignUp, { email: e, password, name });

  beforeAll(async () => {
    h = await startIdentity({ SIGN_IN_MAX_FAILURES: '3', SESSION_TTL_HOURS: '2' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  describe('sign-up', () => {
    let e: string;
    let res: SignUpResponse;
    beforeAll(async () => {
      e = email();
      res = await signUp(e);
    });

    it('creates the person with an Argon2id hash, their own record and a session', async () => {
      expect(res.person).toEqual({ id: expect.any(String), email: e, name: 'Ada Lovelace' });
      const [person] = await h.sql<{ password_hash: string }>(`SELECT password_hash FROM identity.persons WHERE id = $1`, [res.person.id]);
      expect(person!.password_hash).toMatch(/^\$argon2id\$/);
      const records = await h.rpc.request(IdentityCmd.ListRecords, { personId: res.person.id });
      expect(records).toEqual({ items: [{ id: res.recordId, name: 'Ada Lovelace', relationship: 'self', createdAt: expect.any(String) }], nextCursor: null });
    });

    it('stores only the SHA-256 of the session token, expiring after SESSION_TTL_HOURS', async () => {
      const rows = await h.sql<{ token_hash: Buffer; expires_at: Date }>(`SELECT token_hash, expires_at FROM identity.sessions WHERE id = $1`, [res.session.sessionId]);
      const { createHash } = await import('node:crypto');
      expect(rows[0]!.token_hash).toEqual(createHash('sha256').update(res.session.token).digest());
      const hours = (rows[0]!.expires_at.getTime() - Date.now()) / 3600_000;
      expect(hours).toBeGreaterThan(1.9);
      expect(hours).toBeLessThanOrEqual(2);
    });

    it('answers CONFLICT for the same email in another case', async () => {
      expect((await rpcError(signUp(e.toUpperCase()))).code).toBe(ErrorCode.CONFLICT);
    });

    it('answers VALIDATION_FAILED naming a short password, a bad email and an empty name', async () => {
      const err = await rpcError(h.rpc.request(IdentityCmd.SignUp, { email: 'nope', password: 'short', name: ' ' }));
      expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(fieldsOf(err).sort()).toEqual(['email', 'name', 'password']);
    });
  });

  describe('sign-in, resolve-session, sign-out', () => {
    it('signs in with the right password, resolves the session and ends it on sign-out (with an event)', async () => {
      const e = email();
      const up = await signUp(e);
      const signedIn = await h.rpc.request(IdentityCmd.SignIn, { email: e.toLowerCase(), password });
      expect(signedIn.person.id).toBe(up.person.id);
      const resolved = await h.rpc.request(IdentityCmd.ResolveSession, { token: signedIn.session.token });
      expect(resolved).toEqual({ sessionId: signedIn.session.sessionId, person: up.person, expiresAt: signedIn.session.expiresAt });

      const out = await h.rpc.request(IdentityCmd.SignOut, { token: signedIn.session.token }, { correlationId: 'it-corr-1' });
      expect(out).toEqual({ ended: true, sessionId: signedIn.session.sessionId });
      expect((await rpcError(h.rpc.request(IdentityCmd.ResolveSession, { token: signedIn.session.token }))).code).toBe(ErrorCode.UNAUTHENTICATED);
      expect(await h.rpc.request(IdentityCmd.SignOut, { token: signedIn.session.token })).toEqual({ ended: false, sessionId: null });
      // the sign-up session is another session and still works
      expect((await h.rpc.request(IdentityCmd.ResolveSession, { token: up.session.token })).sessionId).toBe(up.session.sessionId);

      const event = await h.lastEvent<SessionEndedEvent>(IdentityEvt.SessionEnded, (ev) => ev.data.sessionId === signedIn.session.sessionId);
      expect(event).toMatchObject({ type: 'session.ended', version: 1, correlationId: 'it-corr-1', data: { personId: up.person.id, reason: 'sign-out' } });
      expect(JSON.stringify(event)).not.toContain(signedIn.session.token);
    });

    it('answers UNAUTHENTICATED with one message for a wrong password and an unknown email', async () => {
      const e = email();
      await signUp(e);
      const wrong = await rpcError(h.rpc.request(IdentityCmd.SignIn, { email: e, password: 'wrong password!' }));
      const unknown = await rpcError(h.rpc.request(IdentityCmd.SignIn, { email: email(), password }));
      expect(wrong.body).toEqual({ code: ErrorCode.UNAUTHENTICATED, message: expect.any(String) });
      expect(unknown.body).toEqual(wrong.body);
    });

    it('answers RATE_LIMITED after SIGN_IN_MAX_FAILURES failures for an email, even with the right password', async () => {
      const e = email();
      await signUp(e);
      for (let i = 0; i < 3; i++) {
        expect((await rpcError(h.rpc.request(IdentityCmd.SignIn, { email: e, password: `wrong ${i} password` }))).code).toBe(ErrorCode.UNAUTHENTICATED);
      }
      expect((await rpcError(h.rpc.request(IdentityCmd.SignIn, { email: e.toUpperCase(), password }))).code).toBe(ErrorCode.RATE_LIMITED);
      // another email is not affected
      const other = email();
      await signUp(other);
      expect((await h.rpc.request(IdentityCmd.SignIn, { email: other, password })).person.email).toBe(other);
    });

    it('answers UNAUTHENTICATED for an unknown or malformed token', async () => {
      expect((await rpcError(h.rpc.request(IdentityCmd.ResolveSession, { token: 'not-a-token' }))).code).toBe(ErrorCode.UNAUTHENTICATED);
      expect((await rpcError(h.rpc.request(IdentityCmd.ResolveSession, {} as never))).code).toBe(ErrorCode.VALIDATION_FAILED);
    });
  });

  describe('records', () => {
    it('adds records the person is custodian of, lists them and answers is-custodian', async () => {
      const a = await signUp(email());
      const b = await signUp(email(), 'Bob');
      const kid = await h.rpc.request(IdentityCmd.AddRecord, { personId: a.person.id, name: 'Kid', relationship: 'child' });
      expect(kid).toEqual({ id: expect.any(String), name: 'Kid', relationship: 'child', createdAt: expect.any(String) });
      const list = await h.rpc.request(IdentityCmd.ListRecords, { personId: a.person.id });
      expect(list.items.map((r) => [r.name, r.relationship])).toEqual([
        ['Ada Lovelace', 'self'],
        ['Kid', 'child'],
      ]);
      expect(await h.rpc.request(IdentityCmd.IsCustodian, { personId: a.person.id, recordId: kid.id })).toEqual({ isCustodian: true });
      expect(await h.rpc.request(IdentityCmd.IsCustodian, { personId: b.person.id, recordId: kid.id })).toEqual({ isCustodian: false });
      expect((await h.rpc.request(IdentityCmd.ListRecords, { personId: b.person.id })).items).toHaveLength(1);
    });

    it('answers VALIDATION_FAILED for a bad relationship and NOT_FOUND for an unknown person', async () => {
      const a = await signUp(email());
      const bad = await rpcError(h.rpc.request(IdentityCmd.AddRecord, { personId: a.person.id, name: 'X', relationship: 'cousin' as never }));
      expect(fieldsOf(bad)).toEqual(['relationship']);
      const missing = await rpcError(h.rpc.request(IdentityCmd.AddRecord, { personId: randomUUID(), name: 'X', relationship: 'other' }));
      expect(missing.code).toBe(ErrorCode.NOT_FOUND);
    });
  });
});
