import { type DeliveryView, ErrorCode, PartnerPushCmd } from '@carevault/contracts';
import type { INestMicroservice } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { grantEvent, publish } from '../../test/events';
import { FakePartner } from '../../test/fake-partner';
import { type Infra, percentile, rpcError, startInfra, startPartnerPush, until } from '../../test/harness';

const TIMEOUT_MS = 300;

describe('partner-push deliveries (real PostgreSQL, private NATS, local partners)', () => {
  let infra: Infra;
  let app: INestMicroservice;
  const partners: FakePartner[] = [];

  const partner = async () => {
    const p = await FakePartner.start();
    partners.push(p);
    return p;
  };
  /** A new application with a webhook at a new partner endpoint. */
  const application = async () => {
    const p = await partner();
    const appId = randomUUID();
    const secret = infra.identity.register(appId, p.url);
    return { appId, secret, partner: p };
  };
  const findDelivery = async (appId: string, eventId: string): Promise<DeliveryView | undefined> =>
    (await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId, limit: 500 })).items.find((i) => i.eventId === eventId);
  const deliveryOf = async (appId: string, eventId: string): Promise<DeliveryView> => {
    const d = await findDelivery(appId, eventId);
    if (!d) throw new Error(`no delivery of ${eventId}`);
    return d;
  };

  beforeAll(async () => {
    infra = await startInfra();
    app = await startPartnerPush(infra, { WEBHOOK_BACKOFF_BASE_MS: '50', WEBHOOK_BACKOFF_CAP_MS: '200', WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all(partners.map((p) => p.close()));
    await infra?.stop();
  });

  it('POSTs each grant event to the webhook URL, signed per Standard Webhooks (and measures event → webhook latency)', async () => {
    const { appId, secret, partner: p } = await application();
    const e = grantEvent(appId, 'grant.created', 1);
    const arrived = p.next(e.envelope.eventId);
    await publish(infra.nc, e);
    const w = await arrived;

    expect(w.headers['webhook-id']).toBe(e.envelope.eventId);
    expect(w.headers['content-type']).toBe('application/json');
    const verified = new Webhook(secret).verify(w.body, w.headers as Record<string, string>);
    expect(verified).toEqual({
      id: e.envelope.eventId,
      type: 'grant.created',
      occurredAt: e.envelope.occurredAt,
      data: { grantId: e.envelope.data.grantId, appId, recordId: e.envelope.data.recordId, personId: e.envelope.data.personId, rules: [], mode: 'offline', version: 1, at: e.envelope.data.at },
    });
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(w.body, w.headers as Record<string, string>)).toThrow();
    await until(async () => (await findDelivery(appId, e.envelope.eventId))?.status === 'succeeded');
    expect(await deliveryOf(appId, e.envelope.eventId)).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null, eventType: 'grant.created' });

    // One event at a time (nothing queued): publish to JetStream → the partner has the request.
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const next = grantEvent(appId, 'grant.updated', i + 2);
      const got = p.next(next.envelope.eventId);
      const t0 = performance.now();
      await publish(infra.nc, next);
      latencies.push((await got).at - t0);
    }
    latencies.sort((a, b) => a - b);
    const [p50, p95, p99] = [50, 95, 99].map((q) => percentile(latencies, q).toFixed(1));
    process.stdout.write(`partner-push: grant event → webhook latency over ${latencies.length} events: p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms, max ${latencies.at(-1)!.toFixed(1)} ms\n`);
    expect(percentile(latencies, 99)).toBeLessThanOrEqual(250);
  });

  it('delivers an event published twice (past JetStream de-duplication) once', async () => {
    const { appId, partner: p } = await application();
    const e = grantEvent(appId);
    const marker = grantEvent(appId, 'grant.revoked', 2);
    await publish(infra.nc, e);
    await publish(infra.nc, e, `${e.envelope.eventId}-again`);
    await publish(infra.nc, marker);
    await p.waitFor(() => p.delivered().includes(marker.envelope.eventId));
    await new Promise((r) => setTimeout(r, 200));
    expect(p.received.map((w) => w.id)).toEqual([e.envelope.eventId, marker.envelope.eventId]);
    expect(await infra.sql(`SELECT 1 FROM partner_push.deliveries WHERE event_id = $1`, [e.envelope.eventId])).toHaveLength(1);
  });

  it('retries a failing partner with backoff, in order, while other partners keep receiving', async () => {
    const failing = await application();
    const healthy = await application();
    failing.partner.behaviour = () => 500;
    const failingEvents = [1, 2, 3].map((v) => grantEvent(failing.appId, v === 1 ? 'grant.created' : 'grant.updated', v));
    const healthyEvents = Array.from({ length: 20 }, (_, i) => grantEvent(healthy.appId, 'grant.updated', i + 1));
    for (let i = 0; i < healthyEvents.length; i++) {
      if (i < failingEvents.length) await publish(infra.nc, failingEvents[i]!);
      await publish(infra.nc, healthyEvents[i]!);
    }
    await healthy.partner.waitFor((p) => p.delivered().length === healthyEvents.length);
    await failing.partner.waitFor((p) => p.received.length >= 3);

    // The healthy partner has everything, in order, while the failing one has had only 500s, all for its first event.
    expect(healthy.partner.delivered()).toEqual(healthyEvents.map((e) => e.envelope.eventId));
    expect(failing.partner.delivered()).toEqual([]);
    expect(new Set(failing.partner.received.map((w) => w.id))).toEqual(new Set([failingEvents[0]!.envelope.eventId]));
    const retrying = await deliveryOf(failing.appId, failingEvents[0]!.envelope.eventId);
    expect(retrying).toMatchObject({ lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(['failed', 'delivering', 'pending']).toContain(retrying.status);
    expect((await deliveryOf(failing.appId, failingEvents[2]!.envelope.eventId)).attempts).toBe(0);

    failing.partner.behaviour = () => 204;
    await failing.partner.waitFor((p) => p.delivered().length === 3);
    expect(failing.partner.delivered()).toEqual(failingEvents.map((e) => e.envelope.eventId));
    const done = await deliveryOf(failing.appId, failingEvents[0]!.envelope.eventId);
    expect(done).toMatchObject({ status: 'succeeded', lastStatusCode: 204, lastError: null });
    expect(done.attempts).toBeGreaterThanOrEqual(4);
    // Signatures are made per attempt: every retry verifies.
    for (const w of failing.partner.received) expect(() => new Webhook(failing.secret).verify(w.body, w.headers as Record<string, string>)).not.toThrow();
  });

  it('counts a partner that does not answer within WEBHOOK_TIMEOUT_MS as a failed attempt', async () => {
    const { appId, partner: p } = await application();
    p.behaviour = () => ({ status: 200, delayMs: 5_000 });
    const e = grantEvent(appId);
    await publish(infra.nc, e);
    await until(async () => ((await findDelivery(appId, e.envelope.eventId))?.lastError ?? null) !== null, 5000, 'a timed-out attempt');
    const d = await deliveryOf(appId, e.envelope.eventId);
    expect(d).toMatchObject({ lastError: `timeout after ${TIMEOUT_MS} ms`, lastStatusCode: null });
    expect(d.status).not.toBe('succeeded');

    p.behaviour = () => 200;
    await until(async () => (await findDelivery(appId, e.envelope.eventId))?.status === 'succeeded', 5000, 'success after the timeout');
    expect((await deliveryOf(appId, e.envelope.eventId)).attempts).toBeGreaterThanOrEqual(2);
  });

  it('lists deliveries newest first with a keyset cursor, by status, only the application own', async () => {
    const a = await application();
    const b = await application();
    const events = Array.from({ length: 5 }, (_, i) => grantEvent(a.appId, 'grant.updated', i + 1));
    for (const e of events) await publish(infra.nc, e);
    await publish(infra.nc, grantEvent(b.appId));
    await a.partner.waitFor((p) => p.delivered().length === 5);
    await b.partner.waitFor((p) => p.delivered().length === 1);
    await until(async () => (await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId: a.appId, status: 'succeeded' })).items.length === 5);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId: a.appId, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.eventId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(events.map((e) => e.envelope.eventId).reverse());
    expect((await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId: a.appId, status: 'dead' })).items).toEqual([]);
    expect((await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId: randomUUID() })).items).toEqual([]);

    const theirs = (await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId: b.appId })).items[0]!;
    expect((await rpcError(infra.rpc.request(PartnerPushCmd.Redeliver, { appId: a.appId, deliveryId: theirs.id }))).code).toBe(ErrorCode.NOT_FOUND);
    expect((await rpcError(infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId: a.appId, cursor: 'nope!' }))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await rpcError(infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId: a.appId, limit: 501 }))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await rpcError(infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId: 'x' }))).code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('redelivers a succeeded delivery on request, keeping its attempts', async () => {
    const { appId, secret, partner: p } = await application();
    const e = grantEvent(appId);
    await publish(infra.nc, e);
    await until(async () => (await findDelivery(appId, e.envelope.eventId))?.status === 'succeeded');
    const before = await deliveryOf(appId, e.envelope.eventId);

    const res = await infra.rpc.request(PartnerPushCmd.Redeliver, { appId, deliveryId: before.id });
    expect(res).toMatchObject({ id: before.id, status: 'pending', attempts: 1, deliveredAt: null });
    await p.waitFor(() => p.delivered().length === 2);
    expect(p.received.map((w) => w.id)).toEqual([e.envelope.eventId, e.envelope.eventId]);
    expect(new Webhook(secret).verify(p.received[1]!.body, p.received[1]!.headers as Record<string, string>)).toEqual(JSON.parse(p.received[0]!.body));
    expect(p.received[1]!.body).toBe(p.received[0]!.body);
    await until(async () => (await findDelivery(appId, e.envelope.eventId))?.status === 'succeeded');
    expect((await deliveryOf(appId, e.envelope.eventId)).attempts).toBe(2);
    expect((await rpcError(infra.rpc.request(PartnerPushCmd.Redeliver, { appId, deliveryId: randomUUID() }))).code).toBe(ErrorCode.NOT_FOUND);
  });
});
