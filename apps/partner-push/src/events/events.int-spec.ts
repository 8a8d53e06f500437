import { type EventEnvelope, ErrorCode, IdentityEvt, PARTNER_EVENT_SOURCES, PartnerPushCmd } from '@carevault/contracts';
import type { INestMicroservice } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { grantEvent, publish } from '../../test/events';
import { FakePartner } from '../../test/fake-partner';
import { type Infra, rpcError, startInfra, startPartnerPush, until } from '../../test/harness';

const envelope = (type: string, data: object): EventEnvelope => ({
  eventId: randomUUID(),
  type,
  occurredAt: new Date().toISOString(),
  correlationId: null,
  version: 1,
  data,
});

describe('partner-push event feed (real PostgreSQL, private NATS)', () => {
  let infra: Infra;
  let app: INestMicroservice;
  let partner: FakePartner;

  const listEvents = (appId: string, after?: string, limit?: number) =>
    infra.rpc.request(PartnerPushCmd.ListEvents, { appId, ...(after ? { after } : {}), ...(limit ? { limit } : {}) });
  const feedSize = async (appId: string) => (await listEvents(appId, undefined, 500)).items.length;

  beforeAll(async () => {
    infra = await startInfra();
    app = await startPartnerPush(infra);
    partner = await FakePartner.start();
  });
  afterAll(async () => {
    await app?.close();
    await partner?.close();
    await infra?.stop();
  });

  it('pages an application feed oldest first with an opaque cursor a poller can always come back with', async () => {
    const appId = randomUUID();
    const other = randomUUID();
    infra.identity.register(appId, null);
    const events = Array.from({ length: 5 }, (_, i) => grantEvent(appId, i === 0 ? 'grant.created' : 'grant.updated', i + 1));
    for (const e of events) {
      await publish(infra.nc, e);
      await publish(infra.nc, grantEvent(other));
    }
    await until(async () => (await feedSize(appId)) === 5 && (await feedSize(other)) === 5);

    const ids: string[] = [];
    let cursor: string | undefined;
    const pages = [];
    for (;;) {
      const page = await listEvents(appId, cursor, 2);
      pages.push(page);
      ids.push(...page.items.map((i) => i.id));
      expect(page.nextCursor).not.toBeNull();
      cursor = page.nextCursor!;
      if (!page.hasMore) break;
    }
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(ids).toEqual(events.map((e) => e.envelope.eventId));
    expect(Buffer.from(cursor!, 'base64url').toString()).toMatch(/^\d+$/);
    expect(pages[0]!.items[0]).toEqual({
      id: events[0]!.envelope.eventId,
      type: 'grant.created',
      occurredAt: events[0]!.envelope.occurredAt,
      data: expect.objectContaining({ appId, grantId: events[0]!.envelope.data.grantId, version: 1 }),
    });

    // Caught up: nothing new, the same cursor back; a new event shows up after it.
    expect(await listEvents(appId, cursor)).toEqual({ items: [], nextCursor: cursor, hasMore: false });
    const later = grantEvent(appId, 'grant.revoked', 6);
    await publish(infra.nc, later);
    await until(async () => (await listEvents(appId, cursor)).items.length === 1);
    expect((await listEvents(appId, cursor)).items[0]).toMatchObject({ id: later.envelope.eventId, type: 'grant.revoked' });

    // No application sees another's events, whatever cursor it sends.
    const theirs = await listEvents(other, undefined, 500);
    expect(theirs.items.every((i) => i.data.appId === other)).toBe(true);
    expect((await listEvents(other, cursor, 500)).items.every((i) => i.data.appId === other)).toBe(true);
    expect(await listEvents(randomUUID())).toEqual({ items: [], nextCursor: null, hasMore: false });
    // No webhook URL: the feed only, no deliveries.
    expect((await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId })).items).toEqual([]);
  });

  it('keeps connect-request and device-instance events, and ignores what partners do not see', async () => {
    const appId = randomUUID();
    infra.identity.register(appId, partner.url);
    const authorized = envelope('connect-request.authorized', { appId, externalId: 'patient-7', grantId: randomUUID() });
    const revoked = envelope('device-instance.revoked', { appId, instanceId: randomUUID() });
    await infra.nc.flush();
    await publish(infra.nc, { subject: PARTNER_EVENT_SOURCES['connect-request.authorized'], envelope: authorized });
    await publish(infra.nc, { subject: IdentityEvt.SessionEnded, envelope: envelope('session.ended', { appId, sessionId: randomUUID() }) });
    await publish(infra.nc, { subject: PARTNER_EVENT_SOURCES['device-instance.revoked'], envelope: revoked });
    await partner.waitFor((p) => p.delivered().includes(revoked.eventId));
    expect((await listEvents(appId)).items.map((i) => [i.type, i.data])).toEqual([
      ['connect-request.authorized', authorized.data],
      ['device-instance.revoked', revoked.data],
    ]);
    expect(partner.received.filter((w) => JSON.parse(w.body).data.appId === appId).map((w) => w.id)).toEqual([authorized.eventId, revoked.eventId]);
  });

  it('drops a cached "no webhook" when identity announces the application (re)registered', async () => {
    const appId = randomUUID();
    infra.identity.register(appId, null);
    const before = grantEvent(appId);
    await publish(infra.nc, before);
    await until(async () => (await feedSize(appId)) === 1);

    infra.identity.register(appId, partner.url);
    await publish(infra.nc, { subject: IdentityEvt.ApplicationRegistered, envelope: envelope('application.registered', { appId, webhookUrl: partner.url }) });
    const after = grantEvent(appId, 'grant.updated', 2);
    const arrived = partner.next(after.envelope.eventId);
    await publish(infra.nc, after);
    await arrived;
    expect((await infra.rpc.request(PartnerPushCmd.ListDeliveries, { appId })).items.map((d) => d.eventId)).toEqual([after.envelope.eventId]);
  });

  it('validates the request', async () => {
    const appId = randomUUID();
    for (const bad of [
      { appId, after: 'not a cursor!' },
      { appId, after: Buffer.from('-5').toString('base64url') },
      { appId, limit: 0 },
      { appId, limit: 501 },
      { appId: 'app-1' },
    ]) {
      expect((await rpcError(infra.rpc.request(PartnerPushCmd.ListEvents, bad))).code).toBe(ErrorCode.VALIDATION_FAILED);
    }
  });
});
