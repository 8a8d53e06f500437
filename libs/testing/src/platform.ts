import { NATS_SERVICES, type ServiceName, SERVICE_NAMES } from '@carevault/contracts';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { type TestDatabase, createTestDatabase } from './database';
import { type NatsServerHandle, freePort, startNatsServer, stopChild } from './processes';

/** The repository root, from the sources (jest) or from their build in dist/ (the benchmark). */
function repoRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'tools/build.mjs'))) return dir;
  }
  return resolve(from, '../../..');
}

const ROOT = repoRoot(__dirname);
/** The per-service V8 flags `npm start` uses (tools/lib/devconfig.cjs), so tests run services as it does. */
const devconfig = createRequire(__filename)(join(ROOT, 'tools/lib/devconfig.cjs')) as { serviceNodeOptions(service: string, inherited?: string): string | undefined };

export interface PlatformOptions {
  /** Which services to run (default: all seven). */
  services?: ServiceName[];
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Extra environment per service. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Use this NATS instead of a private nats-server. */
  natsUrl?: string;
  healthTimeoutMs?: number;
}

export interface RunningPlatform {
  baseUrl: string;
  adminToken: string;
  databaseUrl: string;
  natsUrl: string;
  nats?: NatsServerHandle;
  db: TestDatabase;
  logsDir: string;
  env: Record<string, string>;
  startService(name: ServiceName): Promise<void>;
  stopService(name: ServiceName): Promise<void>;
  killService(name: ServiceName): void;
  /** The process id of each running service (for RSS readings and profiling signals). */
  pids(): Partial<Record<ServiceName, number>>;
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Compiles (incrementally) so that system tests always run the code under test. */
export function buildOnce(): void {
  if ((globalThis as { __cvBuilt?: boolean }).__cvBuilt) return;
  execFileSync(process.execPath, [join(ROOT, 'tools/build.mjs')], { cwd: ROOT, env: { ...process.env, BUILD_QUIET: '1' }, stdio: 'inherit' });
  (globalThis as { __cvBuilt?: boolean }).__cvBuilt = true;
}

/**
 * Boots Carevault for a system test: a fresh database, a private nats-server (unless natsUrl is given),
 * migrations, then every service as its own process from dist/, logs under test-artifacts/logs.
 */
export async function startPlatform(o: PlatformOptions = {}): Promise<RunningPlatform> {
  buildOnce();
  const services = o.services ?? [...SERVICE_NAMES];
  const db = await createTestDatabase('cv_sys');
  const nats = o.natsUrl ? undefined : await startNatsServer();
  const natsUrl = o.natsUrl ?? nats!.url;
  const port = await freePort();
  const adminToken = randomBytes(24).toString('base64url');
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const logsDir = join(ROOT, 'test-artifacts', 'logs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${db.url.split('_').pop()}`);
  mkdirSync(logsDir, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    NATS_URL: natsUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ADMIN_TOKEN: adminToken,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_SIGNING_KEY: signingKey,
    // Refresh-token reuse counts after 1 s here (5 s by default), so that tests of reuse wait only that long.
    REFRESH_REUSE_GRACE_SECONDS: '1',
    ...o.env,
  };
  execFileSync(process.execPath, [join(ROOT, 'dist/tools/migrate.js')], { env, stdio: 'pipe' });

  const children = new Map<ServiceName, ChildProcess>();
  const start = async (name: ServiceName) => {
    const log = createWriteStream(join(logsDir, `${name}.log`), { flags: 'a' });
    const own = { ...env, ...o.serviceEnv?.[name] };
    const nodeOptions = devconfig.serviceNodeOptions(name, own.NODE_OPTIONS);
    const child = spawn(process.execPath, [join(ROOT, `dist/apps/${name}/src/main.js`)], {
      cwd: ROOT,
      env: nodeOptions ? { ...own, NODE_OPTIONS: nodeOptions } : own,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.set(name, child);
  };
  for (const s of services) await start(s);

  const baseUrl = `http://127.0.0.1:${port}`;
  const waitHealthy = async (timeoutMs = o.healthTimeoutMs ?? 45_000) => {
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      for (const [name, c] of children) {
        if (c.exitCode !== null) throw new Error(`${name} exited with code ${c.exitCode} during start; see ${logsDir}/${name}.log`);
      }
      if (services.includes('gateway')) {
        try {
          const res = await fetch(`${baseUrl}/health`);
          last = await res.text();
          if (res.status === 200) return;
        } catch (err) {
          last = (err as Error).message;
        }
      } else {
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`platform not healthy after ${timeoutMs} ms: ${last}; logs in ${logsDir}`);
  };
  const platform: RunningPlatform = {
    baseUrl,
    adminToken,
    databaseUrl: db.url,
    natsUrl,
    nats,
    db,
    logsDir,
    env,
    startService: start,
    async stopService(name) {
      const c = children.get(name);
      if (c) await stopChild(c);
    },
    killService(name) {
      children.get(name)?.kill('SIGKILL');
    },
    pids() {
      const out: Partial<Record<ServiceName, number>> = {};
      for (const [name, c] of children) if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) out[name] = c.pid;
      return out;
    },
    waitHealthy,
    async stop() {
      await Promise.all([...children.values()].map((c) => stopChild(c)));
      await nats?.dispose();
      await db.drop().catch(() => undefined);
    },
  };
  try {
    await waitHealthy();
  } catch (err) {
    await platform.stop();
    throw err;
  }
  return platform;
}

export { NATS_SERVICES };
