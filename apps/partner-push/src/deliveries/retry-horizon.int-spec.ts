import { type DeliveryView, PartnerPushCmd } from '@carevault/contracts';
import type { INestMicroservice } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { grantEvent, publish } from '../../test/events';
import { FakePartner } from '../../test/fake-partner';
import { type Infra, startInfra, startPartnerPush, until } from '../../test/harness';

// A retry horizon of ~1 s, tiny backoffs, and no webhook-config cache (every attempt asks identity).
const ENV = { WEBHOOK_RETRY_HORIZON_HOURS: '0.0003', WEBHOOK_BACKOFF_BASE_MS: '50', WEBHOOK_BACKOFF_CAP_MS: '150', WEBHOOK_CONFIG_TTL_MS: '0' };

describe('partner-push: dead letters, redelivery and crash recovery (real PostgreSQL, private NATS)', () => {
  let infra: Infra;
  let app: INestMicroservice;
  let partner: FakePartner;

  const deliveries = async (appId: string): Promise<Map<string, DeliveryView>> =>
    new Map((await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId })).items.map((d) => [d.eventId, d]));

  beforeAll(async () => {
    infra = await startInfra();
    app = await startPartnerPush(infra, ENV);
    partner = await FakePartner.start();
  });
  afterAll(async () => {
    await app?.close();
    await partner?.close();
    await infra?.stop();
  });

  it('gives up after the retry horizon (dead), lets the next event through, and sends a dead delivery again on redeliver', async () => {
    const appId = randomUUID();
    infra.identity.register(appId, partner.url);
    partner.behaviour = (w) => (w.id === first.envelope.eventId || w.id === second.envelope.eventId ? 503 : 200);
    const first = grantEvent(appId, 'grant.created', 1);
    const second = grantEvent(appId, 'grant.updated', 2);
    await publish(infra.nc, first);
    await publish(infra.nc, second);

    await until(async () => (await deliveries(appId)).get(second.envelope.eventId)?.status === 'dead', 8000, 'both deliveries dead');
    const dead = await deliveries(appId);
    expect(dead.get(first.envelope.eventId)).toMatchObject({ status: 'dead', lastStatusCode: 503, lastError: 'HTTP 503', nextAttemptAt: null, deliveredAt: null });
    expect(dead.get(first.envelope.eventId)!.attempts).toBeGreaterThanOrEqual(2);
    // The second waited behind the first (per-application order) and was tried once the first was dead.
    const attemptsOf = (id: string) => partner.received.filter((w) => w.id === id);
    expect(attemptsOf(second.envelope.eventId).length).toBeGreaterThanOrEqual(1);
    expect(attemptsOf(second.envelope.eventId)[0]!.at).toBeGreaterThan(attemptsOf(first.envelope.eventId).at(-1)!.at);
    const deadList = await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId, status: 'dead' });
    expect(deadList.items.map((d) => d.eventId)).toEqual([second.envelope.eventId, first.envelope.eventId]);

    partner.behaviour = () => 200;
    const before = dead.get(first.envelope.eventId)!;
    const res = await infra.rpc.request(PartnerPushCmd.Redeliver, { appId, deliveryId: before.id });
    expect(res).toMatchObject({ status: 'pending', attempts: before.attempts });
    await until(async () => (await deliveries(appId)).get(first.envelope.eventId)?.status === 'succeeded', 5000, 'redelivered');
    expect((await deliveries(appId)).get(first.envelope.eventId)).toMatchObject({ attempts: before.attempts + 1, lastStatusCode: 200, lastError: null });
    expect((await deliveries(appId)).get(second.envelope.eventId)!.status).toBe('dead');
  });

  it('marks deliveries dead when the application no longer has a webhook URL', async () => {
    const appId = randomUUID();
    infra.identity.register(appId, partner.url);
    partner.behaviour = () => 500;
    const e = grantEvent(appId);
    await publish(infra.nc, e);
    await until(async () => ((await deliveries(appId)).get(e.envelope.eventId)?.attempts ?? 0) >= 1);
    infra.identity.register(appId, null);
    await until(async () => (await deliveries(appId)).get(e.envelope.eventId)?.status === 'dead', 5000);
    expect((await deliveries(appId)).get(e.envelope.eventId)).toMatchObject({ lastError: 'application has no webhook URL', lastStatusCode: null });
  });

  it('takes back a delivery left "delivering" by a process that died, once its lease has run out', async () => {
    const appId = randomUUID();
    infra.identity.register(appId, partner.url);
    partner.behaviour = () => 200;
    const eventId = randomUUID();
    const payload = { id: eventId, type: 'grant.revoked', occurredAt: new Date().toISOString(), data: { appId } };
    const [{ seq }] = await infra.sql<{ seq: string }>(
      `INSERT INTO partner_push.app_events (app_id, event_id, type, payload) VALUES ($1, $2, 'grant.revoked', $3) RETURNING seq`,
      [appId, eventId, JSON.stringify(payload)],
    );
    await infra.sql(
      `INSERT INTO partner_push.deliveries (app_id, event_id, event_seq, status, attempts, next_attempt_at, lease_until, retry_until)
       VALUES ($1, $2, $3, 'delivering', 1, now(), now() + interval '700 milliseconds', now() + interval '1 hour')`,
      [appId, eventId, seq],
    );
    const leased = Date.now();
    const w = await partner.next(eventId, 5000);
    expect(Date.now() - leased).toBeGreaterThanOrEqual(600);
    expect(JSON.parse(w.body)).toEqual(payload);
    await until(async () => (await deliveries(appId)).get(eventId)?.status === 'succeeded');
    expect((await deliveries(appId)).get(eventId)!.attempts).toBe(2);
  });
});
