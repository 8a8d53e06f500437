import { AuditCmd, auditRecorded } from '@carevault/contracts';
import { STREAMS } from '@carevault/platform';
import { buildOnce } from '@carevault/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import type { INestMicroservice } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newEntry } from '../../test/entries';
import { type AuditMessage, dataAccessed, publishAll } from '../../test/events';
import { type Infra, startAudit, startInfra, until } from '../../test/harness';
import { LedgerRepository } from '../ledger/ledger.repository';
import { IngestConsumer } from './ingest.consumer';

const ROOT = join(__dirname, '../../../..');

describe('audit ingestion (real PostgreSQL, private NATS JetStream)', () => {
  let infra: Infra;
  let app: INestMicroservice;

  const count = async (where = 'TRUE', params: unknown[] = []) =>
    Number((await infra.sql<{ n: string }>(`SELECT count(*) AS n FROM audit.entries WHERE ${where}`, params))[0]!.n);
  const stored = (ids: string[]) => count('event_id = ANY($1::uuid[])', [ids]);
  const verify = (recordId?: string) => infra.rpc.request(AuditCmd.Verify, recordId ? { recordId } : {});
  const ids = (ms: AuditMessage[]) => ms.map((m) => m.envelope.eventId);

  beforeAll(async () => {
    infra = await startInfra();
    app = await startAudit(infra);
  });
  afterAll(async () => {
    await app?.close();
    await infra?.stop();
  });

  it('stores 2,000 data-access events as exactly 2,000 entries', async () => {
    const records = Array.from({ length: 40 }, () => randomUUID());
    const events = Array.from({ length: 2000 }, (_, i) => dataAccessed({ recordId: records[i % 40]!, appId: randomUUID() }));
    const platform = Array.from({ length: 20 }, () => {
      const e = auditRecorded('sign-in', 'success', { personId: randomUUID(), clientAddress: '198.51.100.2' });
      return { subject: e.subject, envelope: { eventId: randomUUID(), type: e.type, occurredAt: e.data.at, correlationId: null, version: 1, data: e.data } };
    });
    const started = Date.now();
    await publishAll(infra.nc, [...events, ...platform]);
    await until(async () => (await stored(ids([...events, ...platform]))) === 2020, 30_000, '2,020 entries');
    const ms = Date.now() - started;
    const byEvent = await infra.sql<{ n: string; distinct_ids: string }>(
      'SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids FROM audit.entries WHERE kind = $1',
      ['data-access'],
    );
    console.log(`audit: published 2,000 data-access + 20 sign-in events; stored ${byEvent[0]!.n} data-access entries (${byEvent[0]!.distinct_ids} distinct event ids) in ${ms} ms ≈ ${Math.round(2020 / (ms / 1000))} events/s end to end`);
    expect(byEvent[0]).toEqual({ n: '2000', distinct_ids: '2000' });
    expect(await count('record_id IS NULL')).toBe(20);
    expect(await verify()).toEqual({ ok: true, entries: 2020, chains: 41 });
  });

  it('stores an event published twice once', async () => {
    const recordId = randomUUID();
    const twice = dataAccessed({ recordId, appId: randomUUID() });
    const jsm = await jetstreamManager(infra.nc);
    const before = (await jsm.streams.info(STREAMS.audit.name)).state.messages;
    await publishAll(infra.nc, [twice]);
    await publishAll(infra.nc, [twice]); // same Nats-Msg-Id: JetStream drops it
    await publishAll(infra.nc, [twice], (m) => `${m.envelope.eventId}-again`); // past JetStream's window: the inbox must catch it
    const marker = dataAccessed({ recordId, appId: randomUUID() });
    await publishAll(infra.nc, [marker]);
    await until(async () => (await stored([marker.envelope.eventId])) === 1);
    expect((await jsm.streams.info(STREAMS.audit.name)).state.messages - before).toBe(3);
    expect(await stored([twice.envelope.eventId])).toBe(1);
    expect(await verify(recordId)).toEqual({ ok: true, entries: 2, chains: 1 });
  });

  it('still stores a repeat once after its inbox row was pruned, even inside a batch', async () => {
    const recordId = randomUUID();
    const first = Array.from({ length: 3 }, () => dataAccessed({ recordId, appId: randomUUID() }));
    await publishAll(infra.nc, first);
    await until(async () => (await stored(ids(first))) === 3);
    await infra.sql(`UPDATE audit.inbox SET processed_at = now() - interval '8 days' WHERE event_id = ANY($1::uuid[])`, [ids(first)]);
    expect(await app.get(IngestConsumer).pruneInbox()).toBe(3);
    const fresh = Array.from({ length: 3 }, () => dataAccessed({ recordId, appId: randomUUID() }));
    await publishAll(infra.nc, [fresh[0]!, first[1]!, ...fresh.slice(1)], (m) => `${m.envelope.eventId}-later`);
    await until(async () => (await stored(ids(fresh))) === 3);
    expect(await count('record_id = $1', [recordId])).toBe(6);
    expect(await verify(recordId)).toEqual({ ok: true, entries: 6, chains: 1 });
  });

  it('never forks a chain when appenders race on it', async () => {
    const recordId = randomUUID();
    const ledger = app.get(LedgerRepository);
    const events = Array.from({ length: 300 }, () => dataAccessed({ recordId, appId: randomUUID() }));
    await Promise.all([
      publishAll(infra.nc, events),
      ...Array.from({ length: 40 }, () => ledger.dataSource.transaction((m) => ledger.append(m, [newEntry({ recordId, occurredAt: new Date(), recordedAt: new Date() })]))),
    ]);
    await until(async () => (await count('record_id = $1', [recordId])) === 340);
    expect(await verify(recordId)).toEqual({ ok: true, entries: 340, chains: 1 });
  });

  it('names the entry that was changed in the database, over NATS and in npm run audit:verify', async () => {
    const recordId = randomUUID();
    await publishAll(infra.nc, Array.from({ length: 5 }, () => dataAccessed({ recordId, appId: randomUUID() })));
    await until(async () => (await count('record_id = $1', [recordId])) === 5);
    const [victim] = await infra.sql<{ seq: string; event_id: string }>('SELECT seq, event_id FROM audit.entries WHERE record_id = $1 ORDER BY seq OFFSET 2 LIMIT 1', [recordId]);
    await expect(infra.sql(`UPDATE audit.entries SET outcome = 'denied' WHERE seq = $1`, [victim!.seq])).rejects.toThrow(/append-only/);

    const tamper = async (outcome: string) => {
      await infra.sql('BEGIN');
      await infra.sql('SET LOCAL session_replication_role = replica'); // a superuser getting past the append-only trigger
      await infra.sql('UPDATE audit.entries SET outcome = $2 WHERE seq = $1', [victim!.seq, outcome]);
      await infra.sql('COMMIT');
    };
    await tamper('denied');
    const broken = { ok: false, chainKey: recordId, seq: victim!.seq, eventId: victim!.event_id };
    expect(await verify(recordId)).toMatchObject(broken);
    expect(await verify()).toMatchObject(broken);

    buildOnce();
    const tool = (): Promise<{ code: number; out: string }> =>
      promisify(execFile)(process.execPath, [join(ROOT, 'dist/tools/audit-verify.js')], { env: { ...process.env, DATABASE_URL: infra.db.url } }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const bad = await tool();
    console.log(bad.out.trim());
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`chain ${recordId}, entry seq ${victim!.seq}, event ${victim!.event_id}`);

    await tamper('allowed');
    const good = await tool();
    expect(good).toEqual({ code: 0, out: expect.stringMatching(/^audit: [\d,]+ entries in [\d,]+ chains verified — OK/) });
  });

  it('stores every event published while it was down, each once', async () => {
    await app.close();
    const records = Array.from({ length: 10 }, () => randomUUID());
    const events = Array.from({ length: 1000 }, (_, i) => dataAccessed({ recordId: records[i % 10]!, appId: randomUUID() }));
    await publishAll(infra.nc, events);
    await new Promise((r) => setTimeout(r, 300));
    expect(await stored(ids(events))).toBe(0);
    app = await startAudit(infra);
    await until(async () => (await stored(ids(events))) === 1000, 30_000, '1,000 entries after the outage');
    const [row] = await infra.sql<{ n: string; distinct_ids: string }>(
      'SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids FROM audit.entries WHERE event_id = ANY($1::uuid[])',
      [ids(events)],
    );
    console.log(`audit: after the outage ${row!.distinct_ids} of 1,000 events arrived, ${row!.n} entries`);
    expect(row).toEqual({ n: '1000', distinct_ids: '1000' });
  });

  it('dead-letters an event it must not store (a secret in its details) and goes on', async () => {
    const bad = auditRecorded('sign-in', 'success', { personId: randomUUID() });
    const badMsg = { subject: bad.subject, envelope: { eventId: randomUUID(), type: bad.type, occurredAt: bad.data.at, correlationId: null, version: 1, data: { ...bad.data, details: { password: 'hunter2' } } } };
    const after = dataAccessed({ recordId: randomUUID(), appId: randomUUID() });
    await publishAll(infra.nc, [badMsg, after]);
    await until(async () => (await stored([after.envelope.eventId])) === 1);
    expect(await stored([badMsg.envelope.eventId])).toBe(0);
    const dead = await (await jetstreamManager(infra.nc)).streams.getMessage(STREAMS.deadLetter.name, { last_by_subj: 'dead-letter.audit' });
    expect(dead?.json<{ event: { eventId: string } }>().event.eventId).toBe(badMsg.envelope.eventId);
    expect(dead?.string()).not.toContain('hunter2');
  });
});
