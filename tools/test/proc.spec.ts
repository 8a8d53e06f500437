import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canConnect,
  findExecutable,
  findFreePort,
  inspectPidFile,
  isRunning,
  isPortFree,
  readPidFile,
  stopListedProcesses,
  stopPid,
} from '../lib/proc.cjs';
import { isPostmasterOf, stopStalePostgres } from '../lib/postgres.cjs';
import { protocolReader } from '../lib/nats.cjs';

/** A sleeping node process whose command line carries a marker, like a server of ours would. */
function sleeper(marker: string): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
}

/** A pid that runs nothing: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

describe('process helpers of tools/start.mjs', () => {
  let dir: string;
  const started: ChildProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cvtools-proc-'));
  });
  afterEach(() => {
    for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  describe('findFreePort / isPortFree / canConnect', () => {
    it('finds a port nobody listens on, and notices when someone does', async () => {
      const port = await findFreePort();
      expect(port).toBeGreaterThan(1023);
      expect(await isPortFree(port)).toBe(true);
      expect(await canConnect('127.0.0.1', port, 500)).toBe(false);
      const server = net.createServer().listen(port, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        expect(await isPortFree(port)).toBe(false);
        expect(await canConnect('127.0.0.1', port, 500)).toBe(true);
      } finally {
        server.close();
      }
    });
  });

  describe('readPidFile', () => {
    it('reads the first line of a pid file, postgres style included', () => {
      writeFileSync(join(dir, 'a.pid'), '1234\n/data\n1700000000\n5432\n');
      expect(readPidFile(join(dir, 'a.pid'))).toBe(1234);
      writeFileSync(join(dir, 'b.pid'), 'nonsense');
      expect(readPidFile(join(dir, 'b.pid'))).toBeUndefined();
      expect(readPidFile(join(dir, 'missing.pid'))).toBeUndefined();
    });
  });

  describe('inspectPidFile', () => {
    it('says none without a file, and dead for a pid that runs nothing', async () => {
      const file = join(dir, 'server.pid');
      expect(inspectPidFile(file, () => true)).toEqual({ state: 'none' });
      const pid = await deadPid();
      writeFileSync(file, `${pid}\n`);
      expect(inspectPidFile(file, () => true)).toEqual({ state: 'dead', pid });
    });

    it('tells our server from an unrelated process that has the pid now', async () => {
      const child = sleeper('--marker-ours');
      started.push(child);
      await new Promise((r) => child.once('spawn', r));
      const file = join(dir, 'server.pid');
      writeFileSync(file, `${child.pid}\n`);
      expect(inspectPidFile(file, (cmd: string) => cmd.includes('--marker-ours'))).toEqual({ state: 'running', pid: child.pid });
      expect(inspectPidFile(file, (cmd: string) => cmd.includes('--marker-other'))).toEqual({ state: 'foreign', pid: child.pid });
    });
  });

  describe('stopPid', () => {
    it('stops with the first signal when that is enough', async () => {
      const child = sleeper('x');
      started.push(child);
      await new Promise((r) => child.once('spawn', r));
      expect(await stopPid(child.pid, [['SIGTERM', 5000], ['SIGKILL', 5000]])).toBe('SIGTERM');
      expect(isRunning(child.pid)).toBe(false);
    });

    it('goes on to the next signal when one is ignored', async () => {
      const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("ready")'], { stdio: ['ignore', 'pipe', 'ignore'] });
      started.push(child);
      await new Promise((r) => child.stdout?.once('data', r));
      expect(await stopPid(child.pid, [['SIGTERM', 300], ['SIGKILL', 5000]])).toBe('SIGKILL');
    });

    it('returns undefined for a pid that runs nothing', async () => {
      expect(await stopPid(await deadPid())).toBeUndefined();
    });
  });

  describe('stopListedProcesses', () => {
    it('stops listed processes that still run their command, leaves others alone and removes the list', async () => {
      const ours = sleeper('/fake/dist/apps/identity/src/main.js');
      const other = sleeper('/something/else.js');
      started.push(ours, other);
      await Promise.all([ours, other].map((c) => new Promise((r) => c.once('spawn', r))));
      const file = join(dir, 'services.pid');
      const dead = await deadPid();
      writeFileSync(file, `${ours.pid} /fake/dist/apps/identity/src/main.js\n${other.pid} /fake/dist/apps/audit/src/main.js\n${dead} /x\n`);
      expect(await stopListedProcesses(file)).toEqual([ours.pid]);
      expect(isRunning(ours.pid)).toBe(false);
      expect(isRunning(other.pid)).toBe(true);
      expect(existsSync(file)).toBe(false);
      expect(await stopListedProcesses(file)).toEqual([]);
    });
  });

  describe('findExecutable', () => {
    it('finds node on PATH and nothing for a name that does not exist', () => {
      expect(findExecutable('node')).toMatch(/\/node$/);
      expect(findExecutable('no-such-program-carevault')).toBeUndefined();
    });
  });

  describe('stopStalePostgres (trap 10) without a server', () => {
    it('does nothing without a pid file, and leaves a dead pid to PostgreSQL', async () => {
      const data = join(dir, 'pg');
      mkdirSync(data);
      expect(await stopStalePostgres(data)).toEqual({ state: 'none' });
      const pid = await deadPid();
      writeFileSync(join(data, 'postmaster.pid'), `${pid}\n${data}\n`);
      expect(await stopStalePostgres(data)).toEqual({ state: 'dead', pid });
    });

    it('refuses to touch a live process that is not a postgres of this data directory', async () => {
      const data = join(dir, 'pg');
      mkdirSync(data);
      const child = sleeper('postgres');
      started.push(child);
      await new Promise((r) => child.once('spawn', r));
      writeFileSync(join(data, 'postmaster.pid'), `${child.pid}\n${data}\n`);
      await expect(stopStalePostgres(data)).rejects.toThrow(/is not a PostgreSQL of/);
      expect(isRunning(child.pid)).toBe(true);
    });

    it('recognises a postmaster by its executable and data directory', () => {
      const is = isPostmasterOf('/srv/.data/postgres');
      expect(is('/x/bin/postgres -D /srv/.data/postgres -p 5000', '/x/bin/postgres')).toBe(true);
      expect(is('/x/bin/postgres -D /other -p 5000', '/x/bin/postgres')).toBe(false);
      expect(is('node /srv/.data/postgres', '/usr/bin/node')).toBe(false);
    });
  });

  describe('NATS protocol reader', () => {
    it('splits control lines and messages, also across chunks', () => {
      const ops: unknown[] = [];
      const feed = protocolReader((op: string, args: string[], headers: string, payload: string) => ops.push([op, args, headers, payload]));
      feed('INFO {"version":"2.9.10"}\r\nPI');
      feed('NG\r\nMSG _INBOX.a 1 5\r\nhel');
      feed('lo\r\nHMSG _INBOX.a 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n');
      expect(ops).toEqual([
        ['INFO', ['{"version":"2.9.10"}'], '', ''],
        ['PING', [''], '', ''],
        ['MSG', ['_INBOX.a', '1', '5'], '', 'hello'],
        ['HMSG', ['_INBOX.a', '1', '16', '16'], 'NATS/1.0 503\r\n\r\n', ''],
      ]);
    });
  });
});
