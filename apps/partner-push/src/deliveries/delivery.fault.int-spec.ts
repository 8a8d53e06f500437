import { PartnerPushCmd } from '@carevault/contracts';
import { buildOnce, stopChild } from '@carevault/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { grantEvent, publish } from '../../test/events';
import { FakePartner } from '../../test/fake-partner';
import { type Infra, startInfra, until } from '../../test/harness';

const ROOT = resolve(__dirname, '../../../..');
const TOTAL = 500;
const APPS = 5;

/**
 * partner-push as its own process (dist/), killed with SIGKILL mid-way and started again, then the
 * nats-server restarted (same store): every one of 500 grant events must reach the partner (at least
 * once; duplicates are allowed and counted, the partner de-duplicates on webhook-id).
 */
describe('partner-push fault tolerance (separate process, kill -9, NATS restart)', () => {
  let infra: Infra;
  let partner: FakePartner;
  let child: ChildProcess | undefined;
  let output = '';

  const startChild = async () => {
    child = spawn(process.execPath, [join(ROOT, 'dist/apps/partner-push/src/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: infra.db.url,
        NATS_URL: infra.nats.url,
        LOG_LEVEL: 'warn',
        WEBHOOK_TIMEOUT_MS: '2000',
        WEBHOOK_LEASE_MS: '3000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    await until(
      () =>
        infra.rpc.request('partner-push.cmd.health.v1', {}, { timeoutMs: 500 }).then(
          (h) => h.status === 'up',
          () => false,
        ),
      20_000,
      'partner-push healthy',
    );
  };

  /** Publishes with retries: the test's own connection may be reconnecting after the NATS restart. */
  const publishAll = async (events: ReturnType<typeof grantEvent>[]) => {
    for (let i = 0; i < events.length; i += 50) {
      await Promise.all(
        events.slice(i, i + 50).map(async (e) => {
          for (let attempt = 0; ; attempt++) {
            try {
              return await publish(infra.nc, e);
            } catch (err) {
              if (attempt > 50) throw err;
              await new Promise((r) => setTimeout(r, 200));
            }
          }
        }),
      );
    }
  };

  beforeAll(async () => {
    buildOnce();
    infra = await startInfra();
    partner = await FakePartner.start();
  });
  afterAll(async () => {
    if (child) await stopChild(child, 5000);
    await partner?.close();
    await infra?.stop();
  });

  it('loses none of 500 grant events across a kill -9 and a NATS restart', async () => {
    const started = Date.now();
    const apps: string[] = Array.from({ length: APPS }, () => randomUUID());
    const secrets = new Map(apps.map((appId) => [appId, infra.identity.register(appId, partner.url)]));
    const events = Array.from({ length: TOTAL }, (_, i) => grantEvent(apps[i % APPS]!, 'grant.updated', Math.floor(i / APPS) + 1));
    const unique = () => new Set(partner.delivered()).size;

    try {
      await startChild();
      await publishAll(events.slice(0, 250));
      await partner.waitFor((p) => p.received.length >= 100, 20_000);
      child!.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      const atKill = partner.received.length;

      await publishAll(events.slice(250, 350));
      await startChild();
      await until(() => unique() >= 300, 30_000, '300 delivered after the restart');
      await infra.nats.stop();
      await new Promise((r) => setTimeout(r, 500));
      await infra.nats.start();
      await publishAll(events.slice(350));

      await until(() => unique() >= TOTAL, 40_000, `all ${TOTAL} delivered`);
      const received = partner.received.filter((w) => w.status === 200);
      const ids = new Set(received.map((w) => w.id));
      process.stdout.write(
        `partner-push fault test: received ${received.length}, unique ${ids.size}, duplicates ${received.length - ids.size} ` +
          `(${atKill} received before kill -9; ${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
      );
      expect(events.filter((e) => !ids.has(e.envelope.eventId))).toEqual([]);
      expect(ids.size).toBe(TOTAL);
      for (const w of received) {
        const appId = (JSON.parse(w.body) as { data: { appId: string } }).data.appId;
        expect(() => new Webhook(secrets.get(appId)!).verify(w.body, w.headers as Record<string, string>)).not.toThrow();
      }
      const states = await infra.sql<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM partner_push.deliveries GROUP BY status`);
      expect(states).toEqual([{ status: 'succeeded', n: String(TOTAL) }]);
      // Per application, first arrivals follow the feed order (one delivery in flight per application).
      for (const appId of apps) {
        const feed = await infra.rpc.request(PartnerPushCmd.ListEvents, { appId, limit: 500 });
        expect(feed.items).toHaveLength(TOTAL / APPS);
        const firsts = [...new Set(received.filter((w) => w.body.includes(appId)).map((w) => w.id))];
        expect(firsts).toEqual(feed.items.map((e) => e.id));
      }
    } catch (err) {
      process.stderr.write(`partner-push output:\n${output.slice(-5000)}\n`);
      throw err;
    }
  }, 90_000);
});
