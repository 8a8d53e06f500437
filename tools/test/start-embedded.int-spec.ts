// The PostgreSQL and NATS that `npm start` runs itself when none answers, started for real through
// the helpers of tools/start.mjs: an embedded PostgreSQL in a temporary data directory (and the stale
// one a SIGKILLed node leaves behind, STACK-NOTES trap 10), and a private nats-server on a free port.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { checkNats, startNatsServer } from '../lib/nats.cjs';
import { stopCluster } from '../lib/postgres.cjs';
import { findExecutable, findFreePort, isRunning } from '../lib/proc.cjs';

interface Started {
  url: string;
  pid: number;
  port: number;
  initialised: boolean;
  created: boolean;
  stale: { state: string; pid?: number };
}

const runner = join(__dirname, 'fixtures/embedded-pg-runner.mjs');
const runners: ChildProcessWithoutNullStreams[] = [];

function startRunner(dataDir: string): { child: ChildProcessWithoutNullStreams; ready: Promise<Started> } {
  const child = spawn(process.execPath, [runner, dataDir, 'cvtest'], { stdio: 'pipe' });
  runners.push(child);
  let out = '';
  let err = '';
  const ready = new Promise<Started>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line) as Started);
    });
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`runner exited with ${code}: ${err}`)));
  });
  return { child, ready };
}

async function selectOne(url: string): Promise<{ one: number; db: string }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 AS one, current_database() AS db');
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL for npm start', () => {
  let root: string;
  let dataDir: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'cvtools-embedded-'));
    // PostgreSQL runs as the postgres user (we are root) and must reach its data directory.
    chmodSync(root, 0o755);
    dataDir = join(root, 'postgres');
  });

  afterAll(async () => {
    for (const child of runners) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await stopCluster(dataDir).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('initialises and starts a cluster on a free port, answers SELECT 1, and stops a stale one left by a killed node', async () => {
    const first = startRunner(dataDir);
    const a = await first.ready;
    expect(a).toMatchObject({ initialised: true, created: true, stale: { state: 'none' } });
    expect(a.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/cvtest$/);
    expect(await selectOne(a.url)).toEqual({ one: 1, db: 'cvtest' });
    expect(statSync(`${dataDir}.password`).mode & 0o777).toBe(0o600);

    // Trap 10: node is SIGKILLed; its postgres lives on and keeps the data directory locked.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('close', r));
    expect(isRunning(a.pid)).toBe(true);

    const second = startRunner(dataDir);
    const b = await second.ready;
    expect(b).toMatchObject({ initialised: false, created: false, stale: { state: 'stopped', pid: a.pid } });
    expect(isRunning(a.pid)).toBe(false);
    expect(b.pid).not.toBe(a.pid);
    expect(await selectOne(b.url)).toEqual({ one: 1, db: 'cvtest' });

    const exited = new Promise<number | null>((r) => second.child.once('close', r));
    let said = '';
    second.child.stdout.on('data', (d) => (said += d));
    second.child.stdin.write('stop\n');
    expect(await exited).toBe(0);
    expect(said).toContain('stopped SIGINT');
    expect(isRunning(b.pid)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  }, 30000);
});

const natsBin = findExecutable('nats-server');
(natsBin ? describe : describe.skip)('private nats-server for npm start', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cvtools-nats-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const options = async (jetstream = true) => ({
    bin: natsBin as string,
    port: await findFreePort(),
    storeDir: join(dir, 'nats'),
    pidFile: join(dir, 'nats-server.pid'),
    logFile: join(dir, 'nats-server.log'),
    jetstream,
  });

  it('starts one with JetStream on a free port and stops it by its pid', async () => {
    const server = await startNatsServer(await options());
    try {
      expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
      expect(await checkNats(server.url)).toMatchObject({ reachable: true, jetstream: true, version: expect.stringMatching(/^\d+\.\d+/) });
    } finally {
      expect(await server.stop()).toBe('SIGTERM');
    }
    expect(isRunning(server.pid)).toBe(false);
    expect(existsSync(join(dir, 'nats-server.pid'))).toBe(false);
    expect(await checkNats(server.url, { timeoutMs: 500 })).toMatchObject({ reachable: false, jetstream: false });
  });

  it('stops a nats-server of ours that an earlier run left behind', async () => {
    const left = await startNatsServer(await options());
    const next = await startNatsServer(await options());
    try {
      expect(next.stale).toEqual({ state: 'stopped', pid: left.pid });
      expect(isRunning(left.pid)).toBe(false);
    } finally {
      await next.stop();
      await left.stop();
    }
  });

  it('tells a server without JetStream apart', async () => {
    const server = await startNatsServer(await options(false));
    try {
      expect(await checkNats(server.url)).toMatchObject({ reachable: true, jetstream: false });
    } finally {
      await server.stop();
    }
  });
});
