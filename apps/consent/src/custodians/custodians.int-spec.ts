import 'reflect-metadata';
import type { INestMicroservice } from '@nestjs/common';
import { type CustodianRemovedEvent, type EventEnvelope, GRANT_INVALIDATION_SUBJECT, type GrantInvalidation, IdentityEventType, IdentityEvt } from '@carevault/contracts';
import { connectNats, createLogger, loadConfig, runMigrations, startService } from '@carevault/platform';
import { type NatsServerHandle, type TestDatabase, createTestDatabase, startNatsServer } from '@carevault/testing';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppModule } from '../app.module';
import { ConsentEnv } from '../config';
import { MIGRATIONS, SCHEMA } from '../database';
import { custodianRemovedOf } from './custodians.consumer';

describe('consent: a custodian who leaves a record takes their grants there with them (real PostgreSQL, private NATS)', () => {
  let db: TestDatabase;
  let nats: NatsServerHandle;
  let app: INestMicroservice;
  let nc: NatsConnection;
  const pg = () => new Client({ connectionString: db.url });
  let sql: Client;
  const invalidations: GrantInvalidation[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('carevault_it');
    await runMigrations(db.url, { schema: SCHEMA, migrations: MIGRATIONS });
    nats = await startNatsServer();
    const config = loadConfig('consent', ConsentEnv, { DATABASE_URL: db.url, NATS_URL: nats.url, LOG_LEVEL: 'silent', DB_POOL_SIZE: '4' });
    const logger = createLogger('consent', 'silent');
    app = await startService('consent', AppModule.register(config, logger), nats.url, logger);
    nc = await connectNats(nats.url, 'consent-it');
    nc.subscribe(GRANT_INVALIDATION_SUBJECT, {
      callback: (err, msg) => {
        if (!err) invalidations.push(msg.json<GrantInvalidation>());
      },
    });
    sql = pg();
    await sql.connect();
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await sql?.end().catch(() => undefined);
    await nats?.dispose();
    await db?.drop().catch(() => undefined);
  });

  const grant = async (appId: string, recordId: string, personId: string): Promise<string> => {
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO consent.grants (app_id, record_id, person_id, rule_set_version, rules, version, state, source)
       VALUES ($1, $2, $3, 1, '[]'::jsonb, 1, 'active', 'web') RETURNING id`,
      [appId, recordId, personId],
    );
    return rows[0]!.id;
  };
  const stateOf = async (id: string) => (await sql.query<{ state: string; revoked_reason: string | null }>(`SELECT state, revoked_reason FROM consent.grants WHERE id = $1`, [id])).rows[0]!;
  const publish = (eventId: string, data: CustodianRemovedEvent, msgID = eventId) => {
    const envelope: EventEnvelope<CustodianRemovedEvent> = { eventId, type: IdentityEventType.CustodianRemoved, occurredAt: data.at, correlationId: 'corr-leave', version: 1, data };
    return jetstream(nc).publish(IdentityEvt.CustodianRemoved, JSON.stringify(envelope), { msgID });
  };
  const until = async (check: () => Promise<boolean>, what: string) => {
    for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (await check()) return;
    throw new Error(`timed out waiting for ${what}`);
  };

  it('revokes every active grant the person made on that record (and nothing else), publishing grant-revoked and invalidating', async () => {
    const [recordId, otherRecordId, ada, bob] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const [app1, app2, app3] = [randomUUID(), randomUUID(), randomUUID()];
    const adas = [await grant(app1, recordId, ada), await grant(app2, recordId, ada)];
    const bobs = await grant(app3, recordId, bob);
    const elsewhere = await grant(app1, otherRecordId, ada);

    await publish(randomUUID(), { recordId, personId: ada, at: new Date().toISOString() });
    await until(async () => (await stateOf(adas[1]!)).state === 'revoked' && (await stateOf(adas[0]!)).state === 'revoked', 'the grants to be revoked');

    for (const id of adas) expect(await stateOf(id)).toEqual({ state: 'revoked', revoked_reason: 'custodian removed' });
    expect((await stateOf(bobs)).state).toBe('active');
    expect((await stateOf(elsewhere)).state).toBe('active');
    const events = await sql.query<{ envelope: EventEnvelope<{ grantId: string; state: string }> }>(`SELECT envelope FROM consent.outbox WHERE subject = 'consent.evt.grant-revoked.v1'`);
    const revokedEvents = events.rows.map((r) => r.envelope).filter((e) => adas.includes(e.data.grantId));
    expect(revokedEvents).toHaveLength(2);
    expect(revokedEvents.every((e) => e.type === 'grant.revoked' && e.correlationId === 'corr-leave' && e.data.state === 'revoked')).toBe(true);
    expect(invalidations.filter((i) => adas.includes(i.grantId)).map((i) => i.appId).sort()).toEqual([app1, app2].sort());
  });

  it('applies an event once: a second copy with the same event id is skipped (inbox)', async () => {
    const [recordId, ada] = [randomUUID(), randomUUID()];
    const eventId = randomUUID();
    const data = { recordId, personId: ada, at: new Date().toISOString() };
    const first = await grant(randomUUID(), recordId, ada);
    await publish(eventId, data);
    await until(async () => (await stateOf(first)).state === 'revoked', 'the first grant to be revoked');

    // Ada authorizes again (she became a custodian again); then the old event arrives once more.
    const later = await grant(randomUUID(), recordId, ada);
    await publish(eventId, data, `${eventId}-again`);
    // Events are handled in stream order: once a fresh one is applied, the copy before it was handled.
    const marker = { recordId: randomUUID(), personId: randomUUID(), at: new Date().toISOString() };
    const markerGrant = await grant(randomUUID(), marker.recordId, marker.personId);
    await publish(randomUUID(), marker);
    await until(async () => (await stateOf(markerGrant)).state === 'revoked', 'the marker event');
    expect((await stateOf(later)).state).toBe('active');
    const inbox = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM consent.inbox WHERE consumer = 'consent-custodians' AND event_id = $1`, [eventId]);
    expect(inbox.rows[0]!.n).toBe(1);
  });

  describe('custodianRemovedOf', () => {
    const envelope = (data: unknown) => ({ eventId: randomUUID(), type: IdentityEventType.CustodianRemoved, occurredAt: '2026-11-29T10:00:00.000Z', correlationId: null, version: 1, data });

    it('reads the record and the person', () => {
      const data = { recordId: randomUUID(), personId: randomUUID(), at: '2026-11-29T09:00:00.000Z' };
      expect(custodianRemovedOf(envelope(data))).toEqual(data);
    });

    it.each([null, {}, { recordId: 'x', personId: randomUUID() }, { recordId: randomUUID(), personId: 42 }])('refuses %p', (data) => {
      expect(custodianRemovedOf(envelope(data))).toBeNull();
    });
  });
});
