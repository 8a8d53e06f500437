import { type CustodianRemovedEvent, ErrorCode, IdentityCmd, IdentityEventType, IdentityEvt } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { type IdentityHarness, fieldsOf, rpcError, startIdentity } from '../../test/identity-harness';

describe('identity: leaving a record (real PostgreSQL, private NATS)', () => {
  let h: IdentityHarness;
  const signUp = (name: string) => h.rpc.request(IdentityCmd.SignUp, { email: `${name.toLowerCase()}.${randomUUID().slice(0, 8)}@example.org`, password: 'correct horse battery', name });
  /** A second custodian, as a future "share this record" feature would add one. */
  const addCustodian = (recordId: string, personId: string) => h.sql(`INSERT INTO identity.custodians (record_id, person_id) VALUES ($1, $2)`, [recordId, personId]);

  beforeAll(async () => {
    h = await startIdentity();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reads a record as its custodian with the number of custodians; NOT_FOUND for anyone else', async () => {
    const ada = await signUp('Ada');
    const bob = await signUp('Bob');
    expect(await h.rpc.request(IdentityCmd.GetRecord, { personId: ada.person.id, recordId: ada.recordId })).toEqual({
      id: ada.recordId,
      name: 'Ada',
      relationship: 'self',
      createdAt: expect.any(String),
      custodianCount: 1,
    });
    expect((await rpcError(h.rpc.request(IdentityCmd.GetRecord, { personId: bob.person.id, recordId: ada.recordId }))).code).toBe(ErrorCode.NOT_FOUND);
    expect((await rpcError(h.rpc.request(IdentityCmd.GetRecord, { personId: ada.person.id, recordId: randomUUID() }))).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('removes the custodian and publishes custodian-removed from the outbox; the record stays with the others', async () => {
    const ada = await signUp('Ada');
    const bob = await signUp('Bob');
    const kid = await h.rpc.request(IdentityCmd.AddRecord, { personId: ada.person.id, name: 'Kim', relationship: 'child' });
    await addCustodian(kid.id, bob.person.id);
    expect((await h.rpc.request(IdentityCmd.GetRecord, { personId: bob.person.id, recordId: kid.id })).custodianCount).toBe(2);

    const res = await h.rpc.request(IdentityCmd.RemoveCustodian, { personId: bob.person.id, recordId: kid.id }, { correlationId: 'corr-leave-1' });
    expect(res).toEqual({ recordId: kid.id, personId: bob.person.id, at: expect.any(String) });
    expect(await h.rpc.request(IdentityCmd.IsCustodian, { personId: bob.person.id, recordId: kid.id })).toEqual({ isCustodian: false });
    expect((await h.rpc.request(IdentityCmd.ListRecords, { personId: bob.person.id })).items.map((r) => r.id)).toEqual([bob.recordId]);
    expect((await h.rpc.request(IdentityCmd.GetRecord, { personId: ada.person.id, recordId: kid.id })).custodianCount).toBe(1);

    const event = await h.lastEvent<CustodianRemovedEvent>(IdentityEvt.CustodianRemoved, (e) => e.data.personId === bob.person.id);
    expect(event).toMatchObject({ type: IdentityEventType.CustodianRemoved, correlationId: 'corr-leave-1', data: { recordId: kid.id, personId: bob.person.id, at: res.at } });
    const [row] = await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM identity.outbox WHERE subject = $1 AND envelope->'data'->>'personId' = $2`, [IdentityEvt.CustodianRemoved, bob.person.id]);
    expect(row!.n).toBe(1);

    // Leaving again: no longer a custodian, nothing published.
    expect((await rpcError(h.rpc.request(IdentityCmd.RemoveCustodian, { personId: bob.person.id, recordId: kid.id }))).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('refuses to remove the last custodian (CONFLICT) and publishes nothing', async () => {
    const ada = await signUp('Ada');
    const err = await rpcError(h.rpc.request(IdentityCmd.RemoveCustodian, { personId: ada.person.id, recordId: ada.recordId }));
    expect(err.code).toBe(ErrorCode.CONFLICT);
    expect(await h.rpc.request(IdentityCmd.IsCustodian, { personId: ada.person.id, recordId: ada.recordId })).toEqual({ isCustodian: true });
    const [row] = await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM identity.outbox WHERE subject = $1 AND envelope->'data'->>'recordId' = $2`, [IdentityEvt.CustodianRemoved, ada.recordId]);
    expect(row!.n).toBe(0);
  });

  it('lets only one of two custodians who leave at the same moment go', async () => {
    const ada = await signUp('Ada');
    const bob = await signUp('Bob');
    await addCustodian(ada.recordId, bob.person.id);
    const results = await Promise.allSettled([
      h.rpc.request(IdentityCmd.RemoveCustodian, { personId: ada.person.id, recordId: ada.recordId }),
      h.rpc.request(IdentityCmd.RemoveCustodian, { personId: bob.person.id, recordId: ada.recordId }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([ErrorCode.CONFLICT]);
    const [row] = await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM identity.custodians WHERE record_id = $1`, [ada.recordId]);
    expect(row!.n).toBe(1);
  });

  it('validates the request', async () => {
    const err = await rpcError(h.rpc.request(IdentityCmd.RemoveCustodian, { personId: 'nope', recordId: randomUUID() }));
    expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(fieldsOf(err)).toEqual(['personId']);
  });
});
