import { type ActivityEntry, AuditCmd, type AuditEntryView, ErrorCode, auditRecorded } from '@carevault/contracts';
import type { INestMicroservice } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type AuditMessage, dataAccessed, publishAll } from '../../test/events';
import { type Infra, rpcError, startAudit, startInfra, until } from '../../test/harness';

const T0 = Date.parse('2026-11-01T08:00:00.000Z');
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

describe('audit queries (real PostgreSQL, private NATS)', () => {
  let infra: Infra;
  let app: INestMicroservice;
  const recordId = randomUUID();
  const person = randomUUID();
  const stranger = randomUUID();
  const contoso = randomUUID();
  const fabrikam = randomUUID();
  const operator = { operator: true as const };
  let seeded: AuditMessage[];

  const query = (req: object) => infra.rpc.request(AuditCmd.Query, { actor: operator, ...req } as never);
  const activity = (req: object) => infra.rpc.request(AuditCmd.RecordActivity, { recordId, actor: { personId: person }, ...req } as never);
  const reads = async () => infra.sql<{ person_id: string | null; details: Record<string, string> }>(
    `SELECT person_id, details FROM audit.entries WHERE record_id = $1 AND category = 'audit-read' ORDER BY seq`, [recordId]);
  const allPages = async <T extends { seq: string }>(ask: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>) => {
    const pages: T[][] = [];
    let cursor: string | undefined;
    do {
      const page = await ask(cursor);
      pages.push(page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return pages;
  };

  beforeAll(async () => {
    infra = await startInfra();
    app = await startAudit(infra);
    infra.identity.apps.set(contoso, 'Contoso Pharmacy');
    infra.identity.custodians.add(`${person}:${recordId}`);
    seeded = [
      dataAccessed({ recordId, appId: contoso, permission: 'create' as never, dataType: 'MedicationStatement', at: at(1) }),
      dataAccessed({ recordId, appId: contoso, personId: person, mode: 'online' as never, dataType: 'Condition', outcome: 'denied', reason: 'not-permitted', at: at(2) }),
      dataAccessed({ recordId, appId: fabrikam, dataType: 'Observation', at: at(3) }),
      dataAccessed({ recordId, appId: fabrikam, dataType: 'Observation', outcome: 'denied', reason: 'no-grant', itemId: null, at: at(4) }),
      dataAccessed({ recordId, appId: contoso, permission: 'update' as never, dataType: 'MedicationStatement', at: at(5) }),
      dataAccessed({ recordId, appId: contoso, itemId: null, dataType: null, dataTypes: ['Observation', 'Condition'], itemCount: 3, at: at(5) }),
      dataAccessed({ recordId: randomUUID(), appId: contoso, at: at(6) }),
    ];
    const grant = auditRecorded('grant-created', 'success', { personId: person, appId: contoso, recordId, at: at(0), details: { grantId: randomUUID() } });
    seeded.push({ subject: grant.subject, envelope: { eventId: randomUUID(), type: grant.type, occurredAt: grant.data.at, correlationId: null, version: 1, data: grant.data } });
    await publishAll(infra.nc, seeded);
    await until(async () => Number((await infra.sql<{ n: string }>('SELECT count(*) AS n FROM audit.entries'))[0]!.n) === seeded.length);
  });
  afterAll(async () => {
    await app?.close();
    await infra?.stop();
  });

  it('pages the operator query newest first with a keyset cursor, and audits each read', async () => {
    const pages = await allPages((cursor) => query({ recordId, limit: 3, cursor }));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const items = pages.flat();
    const mine = seeded.filter((m) => (m.envelope.data as { recordId: string }).recordId === recordId);
    expect(new Set(items.map((i) => i.eventId))).toEqual(new Set(mine.map((m) => m.envelope.eventId)));
    const keys = items.map((i) => [i.occurredAt, BigInt(i.seq)] as const);
    expect([...keys].sort((a, b) => (a[0] === b[0] ? (a[1] > b[1] ? -1 : 1) : a[0] > b[0] ? -1 : 1))).toEqual(keys);
    expect(items[items.length - 1]).toMatchObject({ kind: 'recorded', category: 'grant', action: 'grant-created', details: expect.objectContaining({ grantId: expect.any(String) }) });
    // Three pages, three audited reads, in the record's own chain.
    expect((await reads()).map((r) => [r.person_id, r.details.actor, r.details.view])).toEqual(Array(3).fill([null, 'operator', 'query']));
  });

  it('filters by application, person, outcome and time', async () => {
    const ids = (r: { items: AuditEntryView[] }) => r.items.map((i) => i.occurredAt).sort();
    expect(ids(await query({ recordId, appId: fabrikam }))).toEqual([at(3), at(4)]);
    expect(ids(await query({ recordId, outcome: 'denied' }))).toEqual([at(2), at(4)]);
    expect(ids(await query({ personId: person, outcome: 'denied' }))).toEqual([at(2)]);
    expect(ids(await query({ appId: contoso, from: at(5), to: at(7) }))).toEqual([at(5), at(5), at(6)]);
    expect((await query({ appId: randomUUID() })).items).toEqual([]);
    // A query that names no record is audited in the platform chain.
    const [last] = await infra.sql<{ details: Record<string, string> }>(`SELECT details FROM audit.entries WHERE record_id IS NULL AND category = 'audit-read' ORDER BY seq DESC LIMIT 1`);
    expect(last!.details).toMatchObject({ actor: 'operator', view: 'query', results: '0', filter: expect.stringMatching(/^appId=/) });
  });

  it('refuses a person, an unclear actor, a bad cursor and a page over 500', async () => {
    expect((await rpcError(query({ actor: { personId: person }, recordId }))).code).toBe(ErrorCode.ACCESS_DENIED);
    expect((await rpcError(query({ actor: {} }))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await rpcError(query({ actor: { personId: person, operator: true } }))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await rpcError(query({ cursor: 'bm90LWEtY3Vyc29y' }))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await rpcError(query({ limit: 501 }))).body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
  });

  it("shows a custodian their record's activity in plain words, without their own views of it", async () => {
    const pages = await allPages<ActivityEntry>((cursor) => activity({ limit: 4, cursor }));
    const items = pages.flat();
    const sentences = items.map((i) => i.sentence);
    expect(sentences).toEqual(expect.arrayContaining([
      'Contoso Pharmacy added a MedicationStatement — offline — allowed',
      'Contoso Pharmacy was refused reading Condition — online — denied (no rule)',
      'An application was refused reading Observation — offline — denied (not authorized)',
      'Contoso Pharmacy read 3 items (Observation, Condition) — offline — allowed',
      'You authorized Contoso Pharmacy — success',
      'An operator searched the audit trail — success',
    ]));
    expect(items.filter((i) => i.appId === contoso).every((i) => i.appName === 'Contoso Pharmacy')).toBe(true);
    // Their own page views are audited, but not shown back to them.
    expect(items.some((i) => i.category === 'audit-read' && i.personId === person)).toBe(false);
    expect((await reads()).filter((r) => r.person_id === person)).toHaveLength(pages.length);

    const denied = await activity({ outcome: 'denied', appId: contoso });
    expect(denied.items.map((i) => i.sentence)).toEqual(['Contoso Pharmacy was refused reading Condition — online — denied (no rule)']);
    expect(infra.identity.applicationRequests).toBeLessThanOrEqual(2); // names are cached
  });

  it('answers NOT_FOUND to a person who is not a custodian of the record', async () => {
    const before = (await reads()).length;
    expect((await rpcError(activity({ actor: { personId: stranger } }))).code).toBe(ErrorCode.NOT_FOUND);
    expect((await rpcError(infra.rpc.request(AuditCmd.ExportFhir, { recordId, actor: { personId: stranger } }))).code).toBe(ErrorCode.NOT_FOUND);
    expect(await reads()).toHaveLength(before);
  });

  it("exports the record's trail as a FHIR R4 collection of AuditEvents", async () => {
    const { bundle, nextCursor } = await infra.rpc.request(AuditCmd.ExportFhir, { recordId, actor: { personId: person }, limit: 500 });
    expect(nextCursor).toBeNull();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const events = bundle.entry!.map((e) => e.resource!);
    const stored = Number((await infra.sql<{ n: string }>('SELECT count(*) AS n FROM audit.entries WHERE record_id = $1', [recordId]))[0]!.n);
    expect(events).toHaveLength(stored - 1); // all but the read being answered
    const created = events.find((e) => e.subtype?.[0]?.code === 'create')!;
    expect(created).toMatchObject({ type: { code: 'rest' }, action: 'C', outcome: '0', agent: [expect.objectContaining({ who: expect.objectContaining({ display: 'Contoso Pharmacy' }) })] });
    expect(events.filter((e) => e.outcome === '4')).toHaveLength(2);
    expect(events.filter((e) => e.type.code === '110101').length).toBeGreaterThan(0);
    expect((await infra.rpc.request(AuditCmd.Verify, { recordId })).ok).toBe(true);
  });
});
