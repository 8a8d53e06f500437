import { AuditCmd } from '@carevault/contracts';
import type { INestMicroservice } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { dataAccessed, publishAll } from '../../test/events';
import { type Infra, startAudit, startInfra, until } from '../../test/harness';

// A measurement, not a check: AUDIT_BENCH=20000 npx jest apps/audit/src/ingest/throughput
const N = Number(process.env.AUDIT_BENCH ?? 0);
const maybe = N > 0 ? describe : describe.skip;

maybe('audit consumer throughput and storage (real PostgreSQL, private NATS)', () => {
  let infra: Infra;
  let app: INestMicroservice;
  beforeAll(async () => {
    infra = await startInfra();
  });
  afterAll(async () => {
    await app?.close();
    await infra?.stop();
  });

  it(`drains a backlog of ${N} data-access events over 1,000 records`, async () => {
    const records = Array.from({ length: 1000 }, () => randomUUID());
    const online = { mode: 'online' as never, personId: randomUUID() };
    const events = Array.from({ length: N }, (_, i) => dataAccessed({ recordId: records[i % 1000]!, appId: randomUUID(), ...(i % 2 ? online : {}) }));
    await publishAll(infra.nc, events);
    app = await startAudit(infra);
    const started = Date.now();
    const count = async () => Number((await infra.sql<{ n: string }>('SELECT count(*) AS n FROM audit.entries'))[0]!.n);
    await until(async () => (await count()) >= N, 600_000);
    const ms = Date.now() - started;
    const [size] = await infra.sql<Record<string, string>>(
      `SELECT avg(pg_column_size(e.*))::int AS row_bytes, pg_relation_size('audit.entries') / count(*) AS heap_per_entry,
              pg_indexes_size('audit.entries') / count(*) AS indexes_per_entry, pg_total_relation_size('audit.entries') / count(*) AS total_per_entry,
              pg_total_relation_size('audit.inbox') / count(*) AS inbox_per_entry
       FROM audit.entries e`,
    );
    const v0 = Date.now();
    const verified = await infra.rpc.request(AuditCmd.Verify, {}, { timeoutMs: 600_000 });
    console.log(`audit: ${N} entries in ${ms} ms = ${Math.round(N / (ms / 1000))}/s; bytes/entry ${JSON.stringify(size)}; verify ${Date.now() - v0} ms ok=${verified.ok}`);
    expect(verified.ok).toBe(true);
  });
});
