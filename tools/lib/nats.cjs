'use strict';
// NATS for tools/start.mjs: does a server answer, with JetStream; and a private nats-server of ours.
// The check speaks the NATS text protocol over a socket (a dozen lines) rather than loading the client.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, rmSync } = require('node:fs');
const net = require('node:net');
const { resolve } = require('node:path');
const { canConnect, inspectPidFile, readPidFile, sleep, stopPid } = require('./proc.cjs');

const CRLF = '\r\n';

/** Splits the NATS protocol stream into control lines and message payloads. */
function protocolReader(onOp) {
  let buf = '';
  return (chunk) => {
    buf += chunk;
    for (;;) {
      const end = buf.indexOf(CRLF);
      if (end < 0) return;
      const line = buf.slice(0, end);
      const [op, ...args] = line.split(' ');
      if (op === 'MSG' || op === 'HMSG') {
        const size = Number(args[args.length - 1]);
        if (buf.length < end + 2 + size + 2) return;
        const payload = buf.slice(end + 2, end + 2 + size);
        buf = buf.slice(end + 2 + size + 2);
        const headerSize = op === 'HMSG' ? Number(args[args.length - 2]) : 0;
        onOp(op, args, payload.slice(0, headerSize), payload.slice(headerSize));
      } else {
        buf = buf.slice(end + 2);
        onOp(op, [line.slice(op.length + 1)], '', '');
      }
    }
  };
}

function connectOptions(url) {
  const options = { verbose: false, pedantic: false, lang: 'node', version: 'carevault-start', protocol: 1, headers: true, no_responders: true, name: 'carevault-start' };
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  if (user && pass) Object.assign(options, { user, pass });
  else if (user) options.auth_token = user;
  return options;
}

/**
 * Checks the first answering server of a NATS_URL (comma-separated list). Resolves with
 * { reachable, jetstream, version, url, error }: jetstream is true only when a $JS.API.INFO request
 * is answered without error (the server has JetStream and this account may use it).
 */
async function checkNats(natsUrl, { timeoutMs = 2000 } = {}) {
  let last = { reachable: false, jetstream: false, error: 'no URL' };
  for (const part of natsUrl.split(',').map((s) => s.trim()).filter(Boolean)) {
    last = await checkOne(part, timeoutMs);
    if (last.reachable) return last;
  }
  return last;
}

function checkOne(text, timeoutMs) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return Promise.resolve({ reachable: false, jetstream: false, url: text, error: 'not a URL' });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(url.port || 4222);
  if (url.protocol === 'ws:' || url.protocol === 'wss:') {
    // A websocket listener is not checked further; whether it answers at all is enough here.
    return canConnect(host, port, timeoutMs).then((ok) => ({ reachable: ok, jetstream: ok ? undefined : false, url: text, error: ok ? undefined : 'no answer' }));
  }
  return new Promise((done) => {
    const inbox = `_INBOX.${randomBytes(8).toString('hex')}`;
    const result = { reachable: false, jetstream: false, url: text };
    const socket = net.connect({ host, port });
    let finished = false;
    const finish = (extra) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      done({ ...result, ...extra });
    };
    const timer = setTimeout(() => finish(result.reachable ? { error: 'no answer to the JetStream request' } : { error: 'no answer' }), timeoutMs);
    socket.setEncoding('utf8');
    socket.once('error', (err) => finish({ error: err.code ?? err.message }));
    socket.on('close', () => finish({ error: result.reachable ? 'connection closed' : 'no answer' }));
    socket.on(
      'data',
      protocolReader((op, args, headers, payload) => {
        if (op === 'INFO' && !result.reachable) {
          const info = JSON.parse(args[0]);
          Object.assign(result, { reachable: true, version: info.version });
          // Without TLS we cannot go on past INFO; INFO's own flag is the best we know then.
          if (info.tls_required || url.protocol === 'tls:') return finish({ jetstream: info.jetstream === true });
          const ops = [`CONNECT ${JSON.stringify(connectOptions(url))}`, `SUB ${inbox} 1`, `PUB $JS.API.INFO ${inbox} 0`, '', 'PING'];
          socket.write(ops.join(CRLF) + CRLF);
        } else if (op === 'PING') {
          socket.write(`PONG${CRLF}`);
        } else if (op === '-ERR') {
          finish({ error: args[0].replace(/^'|'$/g, '') });
        } else if (op === 'HMSG') {
          // A status-only reply: 503 = no responders, JetStream is not enabled.
          finish({ jetstream: false, error: headers.split(CRLF)[0] });
        } else if (op === 'MSG') {
          const reply = JSON.parse(payload);
          finish(reply.error ? { jetstream: false, error: reply.error.description ?? JSON.stringify(reply.error) } : { jetstream: true });
        }
      }),
    );
  });
}

const isNatsServerOf = (storeDir) => (commandLine) => /nats-server/.test(commandLine) && commandLine.includes(resolve(storeDir));

/** Stops a nats-server of ours left running by an earlier run (its pid file). Returns { state, pid }. */
async function stopStaleNatsServer(pidFile, storeDir) {
  const found = inspectPidFile(pidFile, isNatsServerOf(storeDir));
  if (found.state === 'running') await stopPid(found.pid, [['SIGTERM', 10000], ['SIGKILL', 5000]]);
  if (found.state === 'running' || found.state === 'dead') rmSync(pidFile, { force: true });
  return found.state === 'running' ? { state: 'stopped', pid: found.pid } : found;
}

function tail(file, lines = 10) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts `nats-server -a 127.0.0.1 -p <port> [-js -sd <storeDir>] -P <pidFile> -l <logFile>` in its
 * own session (a Ctrl-C reaches the services first) and waits until it answers.
 * Returns { url, port, pid, version, stale, stop() }.
 */
async function startNatsServer({ bin, port, storeDir, pidFile, logFile, jetstream = true, readyTimeoutMs = 10000 }) {
  const store = resolve(storeDir);
  const stale = await stopStaleNatsServer(pidFile, store);
  mkdirSync(store, { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(port), '-P', resolve(pidFile), '-l', resolve(logFile)];
  // -sd names the store even without JetStream, so that the stale check above recognises the process.
  args.push(...(jetstream ? ['-js', '-sd', store] : ['-sd', store]));
  const child = spawn(bin, args, { detached: true, stdio: 'ignore' });
  let exited;
  child.once('exit', (code, signal) => (exited = signal ?? `code ${code}`));
  child.once('error', (err) => (exited = err.message));
  const url = `nats://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited !== undefined || child.pid === undefined) return undefined;
    const signal = await stopPid(child.pid, [['SIGTERM', 10000], ['SIGKILL', 5000]]);
    if (readPidFile(pidFile) === child.pid) rmSync(pidFile, { force: true });
    return signal;
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`nats-server exited at start (${exited}):\n${tail(logFile)}`);
    const check = await checkNats(url, { timeoutMs: 1000 });
    if (check.reachable && (check.jetstream || !jetstream)) {
      return { url, port, pid: child.pid, version: check.version, jetstream: check.jetstream, stale, stop, child };
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`nats-server did not answer on ${url} within ${readyTimeoutMs / 1000} s:\n${tail(logFile)}`);
}

module.exports = { checkNats, startNatsServer, stopStaleNatsServer, protocolReader };
