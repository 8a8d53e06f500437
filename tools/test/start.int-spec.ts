// tools/start.mjs end to end, in a throw-away copy of the repository with fake services (see
// fixtures/fake-root.ts): the local PostgreSQL and NATS, the embedded/private fallbacks, a stale
// leftover of a SIGKILLed run, and every way it must stop with a plain message.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { findFreePort, isPortFree, isRunning } from '../lib/proc.cjs';
import { stopStaleNatsServer } from '../lib/nats.cjs';
import { stopCluster } from '../lib/postgres.cjs';
import { killGroup, makeFakeRoot, removeFakeRoot, runStart, type StartRun } from './fixtures/fake-root';

const LOCAL_PG = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const LOCAL_NATS = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const database = `cvtools_start_${process.pid}_${Date.now()}`;
const databaseUrl = (() => {
  const u = new URL(LOCAL_PG);
  u.pathname = `/${database}`;
  return u.toString();
})();

const SECRETS_UNSET = { ADMIN_TOKEN: undefined, COOKIE_SECRET: undefined, TOKEN_SIGNING_KEY: undefined, LOG_FORMAT: 'json', FORCE_COLOR: undefined };

async function health(port: number): Promise<{ env: Record<string, unknown> }> {
  const res = await fetch(`http://localhost:${port}/health`);
  return (await res.json()) as { env: Record<string, unknown> };
}

describe('tools/start.mjs', () => {
  let root: string;
  const runs: StartRun[] = [];
  const start = (env: Record<string, string | undefined>, at = root) => {
    const run = runStart(at, { ...SECRETS_UNSET, ...env });
    runs.push(run);
    return run;
  };

  beforeAll(() => {
    root = makeFakeRoot();
  });

  afterEach(() => {
    for (const run of runs.splice(0)) killGroup(run);
  });

  afterAll(async () => {
    // Whatever a failed test left: the embedded PostgreSQL and nats-server run in sessions of their own.
    await stopCluster(join(root, '.data/postgres')).catch(() => undefined);
    await stopStaleNatsServer(join(root, '.data/nats-server.pid'), join(root, '.data/nats')).catch(() => undefined);
    removeFakeRoot(root);
    const client = new Client({ connectionString: LOCAL_PG });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)}`);
    await client.end();
  });

  it('uses the local PostgreSQL and NATS, starts every service, reports healthy, and stops on SIGTERM', async () => {
    const port = await findFreePort();
    const run = start({ DATABASE_URL: databaseUrl, NATS_URL: LOCAL_NATS, PORT: String(port), PUBLIC_URL: undefined });
    await run.waitFor('Ctrl-C stops everything.');
    // The fake services answer /health at once, so their start lines may come just after "healthy".
    const text = await run.waitFor(/(?:"hasPort":false[\s\S]*){6}/);

    expect(text).toContain(`PostgreSQL: using ${databaseUrl} (database created)`);
    expect(text).toMatch(/NATS: using nats:\/\/\S+ \(nats-server [\d.]+, JetStream on\)/);
    expect(text).toContain('migrations: done');
    expect(text).toContain('services: starting 7');
    expect(text).toMatch(/healthy in [\d.]+ (ms|s)\n/);
    expect(text).toContain(`Carevault is up at http://localhost:${port} (`);
    // Raw pino lines, each behind its padded service name.
    expect(text).toMatch(/^\[connect-request\] \{"level":"info"/m);
    expect(text).toMatch(/^\[gateway\] {9}\{"level":"info".*"msg":"listening"/m);
    expect(text.match(/"hasPort":false/g)).toHaveLength(6);

    const seen = (await health(port)).env;
    expect(seen).toMatchObject({ cookieSecret: true, signingKey: true, databaseUrl: true, natsUrl: LOCAL_NATS, publicUrl: `http://localhost:${port}` });
    expect(seen.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(text).toContain(`Operator token`);
    expect(text.split(String(seen.adminToken))).toHaveLength(2); // printed exactly once
    const keyFile = join(root, '.data/dev-signing-key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(text).not.toContain(readFileSync(keyFile, 'utf8').split('\n')[1]);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/SIGTERM: stopping[\s\S]*stopping 7 processes[\s\S]*\nstopped\n/);
    expect(await isPortFree(port)).toBe(true);
    expect(existsSync(join(root, '.data/start.pid'))).toBe(false);
    expect(existsSync(join(root, '.data/services.pid'))).toBe(false);
  });

  it('runs an embedded PostgreSQL and a private nats-server, and cleans up after a run that was SIGKILLed', async () => {
    const port = await findFreePort();
    const env = { DATABASE_URL: undefined, NATS_URL: undefined, USE_EMBEDDED_POSTGRES: '1', USE_PRIVATE_NATS: '1', PORT: String(port) };
    const first = start(env);
    const text = await first.waitFor('Ctrl-C stops everything.');
    expect(text).toMatch(/PostgreSQL: embedded, using postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/carevault \(initialised, database created/);
    expect(text).toMatch(/NATS: USE_PRIVATE_NATS is set; started \S*nats-server [\d.]+ at nats:\/\/127\.0\.0\.1:\d+ \(JetStream/);
    const password = readFileSync(join(root, '.data/postgres.password'), 'utf8').trim();
    expect(text).not.toContain(password);
    const pgPid = Number(readFileSync(join(root, '.data/postgres/postmaster.pid'), 'utf8').split('\n')[0]);
    const natsPid = Number(readFileSync(join(root, '.data/nats-server.pid'), 'utf8').trim());

    // node is SIGKILLed: the services, PostgreSQL and nats-server all live on.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isRunning(pgPid)).toBe(true);
    expect(isRunning(natsPid)).toBe(true);

    const second = start(env);
    const again = await second.waitFor('Ctrl-C stops everything.');
    expect(again).toContain('stopped 7 service process(es) left by an earlier run');
    expect(again).toContain(`PostgreSQL: stopped a stale embedded PostgreSQL (pid ${pgPid}) left by an earlier run`);
    expect(again).toContain(`NATS: stopped a stale nats-server (pid ${natsPid}) left by an earlier run`);
    expect(again).toMatch(/PostgreSQL: embedded, using .* \(database exists/);

    // A second npm start in the same tree while this one runs is refused.
    const third = start(env);
    expect(await third.exited).toBe(1);
    expect(third.output()).toContain(`another npm start is running (pid ${second.child.pid})`);

    const newPg = Number(readFileSync(join(root, '.data/postgres/postmaster.pid'), 'utf8').split('\n')[0]);
    const newNats = Number(readFileSync(join(root, '.data/nats-server.pid'), 'utf8').trim());
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(isRunning(newPg)).toBe(false);
    expect(isRunning(newNats)).toBe(false);
  });

  it('stops everything and exits 1 when a service dies, naming it', async () => {
    const run = start({ DATABASE_URL: databaseUrl, NATS_URL: LOCAL_NATS, PORT: String(await findFreePort()), FAKE_CRASH: 'identity' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('identity exited unexpectedly (exit code 3)');
    expect(run.output()).toMatch(/\[identity\] +fake crash in identity/);
    expect(run.output()).toContain('stopping 6 processes');
  });

  it('exits 1 naming the services that are not up when /health does not turn 200 in time', async () => {
    const run = start({ DATABASE_URL: databaseUrl, NATS_URL: LOCAL_NATS, PORT: String(await findFreePort()), FAKE_UNHEALTHY: '1', START_TIMEOUT: '2' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('not healthy within 2 s: not up: audit (down: timed out)');
  });

  it('says what is missing when the tree is not built', async () => {
    const bare = makeFakeRoot({ services: false });
    try {
      const run = start({ DATABASE_URL: databaseUrl, NATS_URL: LOCAL_NATS }, bare);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain('not built: dist/tools/migrate.js, dist/apps/gateway/src/main.js');
    } finally {
      removeFakeRoot(bare);
    }
  });

  it('stops with a plain message when DATABASE_URL or NATS_URL is set but does not answer', async () => {
    const deadPort = await findFreePort();
    const pg = start({ DATABASE_URL: `postgres://u:hunter2@127.0.0.1:${deadPort}/x`, NATS_URL: LOCAL_NATS });
    expect(await pg.exited).toBe(1);
    expect(pg.output()).toContain(`PostgreSQL at postgres://u:***@127.0.0.1:${deadPort}/x does not answer`);
    expect(pg.output()).toContain('Fix DATABASE_URL, or unset it');
    expect(pg.output()).not.toContain('hunter2');

    const nats = start({ DATABASE_URL: databaseUrl, NATS_URL: `nats://127.0.0.1:${deadPort}` });
    expect(await nats.exited).toBe(1);
    expect(nats.output()).toContain(`NATS at nats://127.0.0.1:${deadPort} does not answer (ECONNREFUSED)`);
    expect(nats.output()).toContain('Fix NATS_URL, or unset it');
  });

  it('says how to get a nats-server when it needs one and there is none', async () => {
    const run = start({ DATABASE_URL: databaseUrl, USE_PRIVATE_NATS: '1', NATS_SERVER_BIN: '/nonexistent/nats-server' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('there is no nats-server at NATS_SERVER_BIN=/nonexistent/nats-server');
    expect(run.output()).toContain('apt-get install nats-server');
  });
});
