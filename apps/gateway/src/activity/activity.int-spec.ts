import { AuditCmd, ConsentCmd, ErrorCode, IdentityCmd } from '@carevault/contracts';
import { ADMIN_TOKEN, Failure, type Harness, startHarness } from '../../test/harness';

const PERSON = { id: '0d6f3c2a-1b4e-4c5d-9e8f-7a6b5c4d3e2f', email: 'ada@example.org', name: 'Ada' };
const RECORD = { id: '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b', name: 'Ada', relationship: 'self', createdAt: '2026-11-01T00:00:00.000Z' };
const CHILD = { id: '2e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b', name: 'Kim', relationship: 'child', createdAt: '2026-11-01T00:00:00.000Z' };
const APP_ID = '3f2b8c1e-4d5a-4e6f-8a7b-9c0d1e2f3a4b';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

const entry = (over: Record<string, unknown> = {}) => ({
  seq: '7',
  eventId: '4a4b4c4d-0000-4000-8000-000000000001',
  kind: 'data-access',
  category: 'data',
  action: 'create',
  outcome: 'allowed',
  reason: 'permitted',
  recordId: RECORD.id,
  appId: APP_ID,
  instanceId: null,
  personId: null,
  dataType: 'MedicationStatement',
  itemId: null,
  itemCount: null,
  permission: 'create',
  mode: 'offline',
  correlationId: 'c-1',
  clientAddress: null,
  details: null,
  occurredAt: '2026-11-29T10:42:01.000Z',
  recordedAt: '2026-11-29T10:42:01.100Z',
  ...over,
});

describe('audit trail at the gateway', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(() => h.services.reset());

  describe('operator routes /api/v1/admin/audit', () => {
    it('need the operator token', async () => {
      for (const url of ['/api/v1/admin/audit', '/api/v1/admin/audit/verify', `/api/v1/admin/audit/export?recordId=${RECORD.id}`]) {
        const res = await h.request({ method: 'GET', url, headers: { authorization: 'Bearer nope' } });
        expect({ url, status: res.statusCode }).toEqual({ url, status: 401 });
      }
      expect(h.services.calls).toHaveLength(0);
    });

    it('query passes the filters as the operator and answers the page', async () => {
      const page = { items: [entry()], nextCursor: 'next-1' };
      await h.services.on(AuditCmd.Query, () => page);
      const res = await h.request({ method: 'GET', url: `/api/v1/admin/audit?appId=${APP_ID}&outcome=denied&limit=50&cursor=abc`, headers: { ...auth, 'x-correlation-id': 'q-1' } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(page);
      const call = h.services.last(AuditCmd.Query);
      expect(call?.data).toEqual({ appId: APP_ID, outcome: 'denied', limit: 50, cursor: 'abc', actor: { operator: true } });
      expect(call?.correlationId).toBe('q-1');
    });

    it('query refuses bad and unknown parameters without asking the audit service', async () => {
      const res = await h.request({ method: 'GET', url: '/api/v1/admin/audit?appId=x&outcome=maybe&limit=0&actor=me', headers: auth });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['actor', 'appId', 'limit', 'outcome']);
      expect(h.services.calls).toHaveLength(0);
    });

    it('verify answers what the audit service found, naming the broken entry', async () => {
      const broken = { ok: false, entries: 3, chains: 1, chainKey: RECORD.id, seq: '2', eventId: 'e-2', expected: 'aa', found: 'bb', problem: 'hash mismatch' };
      await h.services.on(AuditCmd.Verify, () => broken);
      const res = await h.request({ method: 'GET', url: `/api/v1/admin/audit/verify?recordId=${RECORD.id}`, headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(broken);
      expect(h.services.last(AuditCmd.Verify)?.data).toEqual({ recordId: RECORD.id });
    });

    it('export answers a FHIR Bundle as application/fhir+json with self and next links', async () => {
      const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'AuditEvent', id: 'e-1' } }] };
      await h.services.on(AuditCmd.ExportFhir, () => ({ bundle, nextCursor: 'n 2' }));
      const res = await h.request({ method: 'GET', url: `/api/v1/admin/audit/export?recordId=${RECORD.id}&limit=1`, headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
      const body = res.json();
      expect(body).toMatchObject({ resourceType: 'Bundle', type: 'collection', entry: bundle.entry });
      expect(body.link.map((l: { relation: string }) => l.relation)).toEqual(['self', 'next']);
      expect(new URL(body.link[1].url).search).toBe(`?recordId=${RECORD.id}&limit=1&cursor=n+2`);
      expect(h.services.last(AuditCmd.ExportFhir)?.data).toEqual({ recordId: RECORD.id, limit: 1, actor: { operator: true } });
    });

    it('are described in the OpenAPI document', async () => {
      const doc = (await h.request({ method: 'GET', url: '/api/docs-json' })).json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/admin/audit', '/api/v1/admin/audit/verify', '/api/v1/admin/audit/export']));
      expect(Object.keys(doc.paths['/api/v1/admin/audit/export'].get.responses['200'].content)).toEqual(['application/fhir+json']);
      expect(doc.components.schemas.AuditEntryDto.properties.outcome.enum).toEqual(['allowed', 'denied', 'success', 'failure']);
      expect(Object.keys(doc.paths)).not.toContain('/activity');
    });

    it('export needs a record id', async () => {
      const res = await h.request({ method: 'GET', url: '/api/v1/admin/audit/export', headers: auth });
      expect(res.statusCode).toBe(400);
    });
  });

  describe('GET /activity', () => {
    const session = { sessionId: 's-1', person: PERSON, expiresAt: '2030-01-01T00:00:00.000Z' };
    const cookie = { cookie: 'cv_session=session-token-1' };

    async function personServices(activity: () => unknown) {
      await h.services.on(IdentityCmd.ResolveSession, () => session);
      await h.services.on(IdentityCmd.ListRecords, () => ({ items: [RECORD, CHILD], nextCursor: null }));
      await h.services.on(ConsentCmd.ListRecordGrants, () => ({ items: [{ appId: APP_ID }], nextCursor: null }));
      await h.services.on(IdentityCmd.GetApplication, () => ({ appId: APP_ID, name: 'Contoso <Pharmacy>' }));
      await h.services.on(AuditCmd.RecordActivity, activity);
    }

    it('sends a person who is not signed in to sign in first', async () => {
      const res = await h.request({ method: 'GET', url: '/activity' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/signin?next=%2Factivity');
    });

    it('shows the first record’s activity in plain words, newest first, with filters and an Older link', async () => {
      const sentence = 'Contoso <Pharmacy> added a MedicationStatement — offline — allowed';
      await personServices(() => ({ items: [{ ...entry(), sentence, appName: 'Contoso <Pharmacy>' }], nextCursor: 'older 1' }));
      const res = await h.request({ method: 'GET', url: '/activity', headers: cookie });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Contoso &lt;Pharmacy&gt; added a MedicationStatement — offline — allowed');
      expect(res.body).toContain('<time datetime="2026-11-29T10:42:01.000Z">29 Nov 2026, 10:42:01 UTC</time>');
      expect(res.body).toContain(`<option value="${APP_ID}">Contoso &lt;Pharmacy&gt;</option>`);
      expect(res.body).toContain(`href="/activity?record=${RECORD.id}&amp;cursor=older+1" rel="next">Older</a>`);
      expect(res.body).toContain('<a href="/activity">Activity</a>');
      expect(h.services.last(AuditCmd.RecordActivity)?.data).toEqual({ actor: { personId: PERSON.id }, recordId: RECORD.id, limit: 25 });
    });

    it('passes the record, application, outcome and cursor chosen', async () => {
      await personServices(() => ({ items: [], nextCursor: null }));
      const res = await h.request({ method: 'GET', url: `/activity?record=${CHILD.id}&app=${APP_ID}&outcome=denied&cursor=c1`, headers: cookie });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Nothing older to show with these filters.');
      expect(res.body).toContain(`<a href="/activity?record=${CHILD.id}&amp;app=${APP_ID}&amp;outcome=denied">Newest</a>`);
      expect(h.services.last(AuditCmd.RecordActivity)?.data).toEqual({
        actor: { personId: PERSON.id },
        recordId: CHILD.id,
        appId: APP_ID,
        outcome: 'denied',
        cursor: 'c1',
        limit: 25,
      });
    });

    it('answers 404 for a record the person is not a custodian of', async () => {
      await personServices(() => new Failure({ code: ErrorCode.INTERNAL, message: 'must not be asked' }));
      const res = await h.request({ method: 'GET', url: '/activity?record=9e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b', headers: cookie });
      expect(res.statusCode).toBe(404);
      expect(h.services.last(AuditCmd.RecordActivity)).toBeUndefined();
    });
  });
});
