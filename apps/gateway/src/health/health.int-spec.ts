import { NATS_SERVICES, healthSubject } from '@carevault/contracts';
import { type Harness, startHarness } from '../../test/harness';

describe('GET /health', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  afterEach(() => h.services.reset());

  const health = () => h.request({ method: 'GET', url: '/health' });

  it('answers 200 up when the gateway and every service answer up', async () => {
    await h.services.healthy(NATS_SERVICES);
    const res = await health();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('up');
    expect(Object.keys(body.services).sort()).toEqual(['gateway', ...NATS_SERVICES].sort());
    expect(body.services.gateway).toMatchObject({ service: 'gateway', status: 'up', checks: { nats: 'up' } });
    expect(body.services.identity).toMatchObject({ service: 'identity', status: 'up', checks: { database: 'up' } });
  });

  it('answers 503 down naming the missing service when one has no responder', async () => {
    await h.services.healthy(NATS_SERVICES.filter((s) => s !== 'audit'));
    const res = await health();
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body.status).toBe('down');
    expect(body.services.audit).toEqual({ service: 'audit', status: 'down', error: 'no service answered' });
    expect(body.services.identity.status).toBe('up');
  });

  it('answers 503 when a service is degraded (its database is down)', async () => {
    await h.services.healthy(NATS_SERVICES.filter((s) => s !== 'consent'));
    await h.services.on(healthSubject('consent'), () => ({ service: 'consent', status: 'degraded', checks: { database: 'down', nats: 'up' }, uptimeSeconds: 3 }));
    const res = await health();
    expect(res.statusCode).toBe(503);
    expect(res.json().services.consent).toMatchObject({ status: 'degraded', checks: { database: 'down' } });
  });

  it('asks in parallel and gives up on a silent service after the short timeout', async () => {
    await h.services.healthy(NATS_SERVICES.filter((s) => s !== 'record-store' && s !== 'partner-push'));
    await h.services.on(healthSubject('record-store'), 'silent');
    await h.services.on(healthSubject('partner-push'), 'silent');
    const started = Date.now();
    const res = await health();
    const took = Date.now() - started;
    expect(res.statusCode).toBe(503);
    expect(res.json().services['record-store']).toEqual({ service: 'record-store', status: 'down', error: 'timed out' });
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(2900);
  });

  it('GET /healthz answers 200 whatever the services do', async () => {
    const res = await h.request({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'up' });
  });
});

describe('GET /api/docs-json', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('documents health and the operator API with problem answers and the operator bearer scheme', async () => {
    const res = await h.request({ method: 'GET', url: '/api/docs-json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/healthz', '/api/v1/admin/applications', '/api/v1/admin/applications/{appId}', '/api/v1/admin/applications/{appId}/rules', '/api/v1/admin/applications/{appId}/secret']),
    );
    expect(Object.keys(doc.paths)).not.toEqual(expect.arrayContaining(['/signin']));
    const register = doc.paths['/api/v1/admin/applications'].post;
    expect(register.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/RegisterApplicationBody');
    expect(register.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/RegisteredApplicationDto');
    expect(register.responses['400'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/ProblemDto');
    expect(register.security).toEqual([{ operator: [] }]);
    expect(doc.components.securitySchemes.operator).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.RuleBody.properties.mode.allOf ?? [doc.components.schemas.RuleBody.properties.mode]).toEqual([{ $ref: '#/components/schemas/AccessMode' }]);
    expect(doc.components.schemas.AccessMode.enum).toEqual(['online', 'offline']);
  });
});
