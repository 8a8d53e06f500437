'use strict';
// Process and port helpers for tools/start.mjs (CommonJS so that jest can load them as they are).
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync, readlinkSync, rmSync, statSync } = require('node:fs');
const net = require('node:net');
const { delimiter, join } = require('node:path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when a process with this pid exists (EPERM means it exists but is not ours). */
function isPidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** True when the pid runs: alive and not a zombie waiting for its parent to collect its exit status. */
function isRunning(pid) {
  return isPidAlive(pid) && !isZombie(pid);
}

/** The command line of a process as one string ('' when unknown): /proc on Linux, ps elsewhere. */
function processCommandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    if (existsSync('/proc/self')) return '';
  }
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The executable of a process ('' when unknown). */
function processExecutable(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
}

/** Resolves when the pid is gone, or false after timeoutMs. Works for processes that are not our children. */
async function waitForExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

function isZombie(pid) {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Sends each signal in turn and waits up to its time for the process to go; the last step should be SIGKILL.
 * Returns the signal that ended it, or undefined when it was not running.
 */
async function stopPid(pid, steps = [['SIGTERM', 10000], ['SIGKILL', 5000]]) {
  if (!isRunning(pid)) return undefined;
  for (const [signal, waitMs] of steps) {
    try {
      process.kill(pid, signal);
    } catch (err) {
      if (err.code === 'ESRCH') return signal;
      throw err;
    }
    if (await waitForExit(pid, waitMs)) return signal;
  }
  throw new Error(`process ${pid} did not stop`);
}

/** A free TCP port on host, chosen by the kernel. */
function findFreePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on port (tried on the wildcard address, which is what a service binds). */
function isPortFree(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections at host:port within timeoutMs. */
function canConnect(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The first executable called name on PATH, then in extra directories (sbin is often missing from PATH). */
function findExecutable(name, extraDirs = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/sbin']) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

/** True for an existing file with an execute bit. */
function isExecutable(file) {
  try {
    const stat = statSync(file);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Reads a pid file written by a server ('1234\n' or postgres' multi-line postmaster.pid); undefined when absent. */
function readPidFile(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.split('\n')[0].trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Looks at a server's pid file left by an earlier run whose node process was killed before it could
 * stop the server. `isOurs(commandLine, executable)` tells the server apart from an unrelated process
 * that got the same pid later. Returns { state: 'none' | 'dead' | 'foreign' | 'running', pid? }.
 */
function inspectPidFile(file, isOurs) {
  const pid = readPidFile(file);
  if (pid === undefined) return { state: existsSync(file) ? 'dead' : 'none' };
  if (!isRunning(pid)) return { state: 'dead', pid };
  return { state: isOurs(processCommandLine(pid), processExecutable(pid)) ? 'running' : 'foreign', pid };
}

/**
 * Stops processes listed in file (one `pid command-line-fragment` per line) that still run that
 * command: services left behind by a start.mjs that was killed before it could stop them.
 * Returns the pids it stopped, and removes the file.
 */
async function stopListedProcesses(file, steps = [['SIGTERM', 10000], ['SIGKILL', 5000]]) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const stale = text
    .split('\n')
    .map((line) => line.match(/^(\d+) (.+)$/))
    .filter(Boolean)
    .map(([, pid, fragment]) => ({ pid: Number(pid), fragment }))
    .filter(({ pid, fragment }) => isRunning(pid) && processCommandLine(pid).includes(fragment));
  await Promise.all(stale.map(({ pid }) => stopPid(pid, steps)));
  rmSync(file, { force: true });
  return stale.map(({ pid }) => pid);
}

module.exports = {
  stopListedProcesses,
  inspectPidFile,
  sleep,
  isPidAlive,
  isRunning,
  processCommandLine,
  processExecutable,
  waitForExit,
  stopPid,
  findFreePort,
  isPortFree,
  canConnect,
  findExecutable,
  isExecutable,
  readPidFile,
};
