'use strict';
// What tools/start.mjs prints: masked URLs, service prefixes and pino JSON lines made readable.

const ESC = '\u001b[';
const style = {
  reset: `${ESC}0m`,
  bold: `${ESC}1m`,
  dim: `${ESC}2m`,
  red: `${ESC}31m`,
  green: `${ESC}32m`,
  yellow: `${ESC}33m`,
  blue: `${ESC}34m`,
  magenta: `${ESC}35m`,
  cyan: `${ESC}36m`,
  gray: `${ESC}90m`,
  brightRed: `${ESC}91m`,
  brightGreen: `${ESC}92m`,
  brightYellow: `${ESC}93m`,
  brightBlue: `${ESC}94m`,
  brightMagenta: `${ESC}95m`,
  brightCyan: `${ESC}96m`,
};
const SERVICE_COLORS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'brightCyan', 'brightGreen', 'brightMagenta', 'brightBlue', 'brightYellow'];

/** Wraps text in the named styles when color is on. */
function paint(color, text, ...names) {
  if (!color || names.length === 0) return text;
  return names.map((n) => style[n]).join('') + text + style.reset;
}

const NATS_SCHEMES = new Set(['nats:', 'tls:', 'ws:', 'wss:']);
const SECRET_PARAM = /pass|secret|token|key|auth/i;

function maskOne(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return text.replace(/\/\/([^:/@\s]*):[^@]*@/, '//$1:***@');
  }
  if (url.password) url.password = '***';
  // nats://TOKEN@host: a user name without a password is a token there.
  else if (url.username && NATS_SCHEMES.has(url.protocol)) url.username = '***';
  for (const key of [...url.searchParams.keys()]) if (SECRET_PARAM.test(key)) url.searchParams.set(key, '***');
  return url.toString();
}

/** A URL (or a comma-separated list of them) with passwords, tokens and secret query parameters replaced by ***. */
function maskUrl(value) {
  if (!value) return value;
  return String(value)
    .split(',')
    .map((part) => maskOne(part.trim()))
    .join(',');
}

/** `[name]` padded so that the text after it lines up for every name in names. */
function makePrefix(name, names, index, color) {
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return paint(color, `[${name}]`.padEnd(width + 1), SERVICE_COLORS[index % SERVICE_COLORS.length]);
}

const LEVEL_NAMES = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LEVEL_STYLES = { trace: ['gray'], debug: ['gray'], info: ['green'], warn: ['yellow'], error: ['red'], fatal: ['bold', 'red'] };
// Fields every line has or that the prefix already says; not repeated after the message.
const OMITTED = new Set(['level', 'time', 'msg', 'message', 'pid', 'hostname', 'service', 'v', 'err', 'error', 'req', 'res', 'context']);
const MAX_FIELDS = 6;
const MAX_VALUE = 120;

/** The object of a pino JSON line, or undefined when the line is not one. */
function parsePinoLine(line) {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!('level' in value) && !('msg' in value)) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

function levelName(level) {
  if (typeof level === 'number') return LEVEL_NAMES[level] ?? String(level);
  return typeof level === 'string' ? level.toLowerCase() : 'info';
}

function clock(time) {
  const date = time === undefined ? new Date() : new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function short(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** `key=value` pairs worth showing after the message: the request, the error and a few plain fields. */
function fieldsOf(entry) {
  const out = [];
  if (entry.context) out.push(`(${short(entry.context)})`);
  const req = entry.req;
  if (req && typeof req === 'object' && (req.method || req.url)) out.push(`${req.method ?? ''} ${req.url ?? ''}`.trim());
  const res = entry.res;
  if (res && typeof res === 'object' && res.statusCode !== undefined) out.push(`→ ${res.statusCode}`);
  let shown = 0;
  for (const [key, value] of Object.entries(entry)) {
    if (OMITTED.has(key) || value === undefined || shown >= MAX_FIELDS) continue;
    out.push(`${key}=${short(value)}`);
    shown++;
  }
  return out;
}

function errorOf(entry) {
  const err = entry.err ?? entry.error;
  if (!err) return undefined;
  if (typeof err !== 'object') return { head: String(err) };
  const head = [err.type, err.code, err.message].filter(Boolean).join(': ');
  return { head: head || short(err), stack: typeof err.stack === 'string' ? err.stack : undefined };
}

/**
 * One readable line (plus an indented stack for errors) for a pino entry:
 * `10:42:01.123 INFO  listening (NestApplication) port=8080`.
 */
function formatPinoEntry(entry, { color = false } = {}) {
  const level = levelName(entry.level);
  const head = `${paint(color, clock(entry.time), 'gray')} ${paint(color, level.toUpperCase().padEnd(5), ...(LEVEL_STYLES[level] ?? []))}`;
  const msg = entry.msg ?? entry.message ?? '';
  const parts = [head, String(msg), ...fieldsOf(entry).map((f) => paint(color, f, 'dim'))].filter((p) => p !== '');
  const err = errorOf(entry);
  let text = parts.join(' ');
  if (err) {
    text += ` ${paint(color, err.head, 'red')}`;
    if (err.stack && (level === 'error' || level === 'fatal')) {
      const frames = err.stack.split('\n').slice(1).map((l) => `    ${l.trim()}`);
      if (frames.length > 0) text += `\n${paint(color, frames.join('\n'), 'gray')}`;
    }
  }
  return text;
}

/** The line as it should be printed: readable when pretty, as it came otherwise (or when it is not pino JSON). */
function formatLogLine(line, { pretty = false, color = false } = {}) {
  if (!pretty) return line;
  const entry = parsePinoLine(line);
  return entry ? formatPinoEntry(entry, { color }) : line;
}

/** Calls onLine for every complete line written to a readable stream, and for the rest at its end. */
function forEachLine(stream, onLine) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (rest !== '') onLine(rest);
    rest = '';
  });
}

/** "4.2 s" / "850 ms". */
function formatDuration(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

module.exports = { paint, maskUrl, makePrefix, parsePinoLine, formatPinoEntry, formatLogLine, forEachLine, formatDuration };
