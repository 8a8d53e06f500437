'use strict';
// Development configuration for tools/start.mjs: generated secrets, the signing key kept across
// restarts, the environment of each service, and reading the gateway's /health answer.
const { createPrivateKey, generateKeyPairSync, randomBytes } = require('node:crypto');
const { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');

const SERVICES = ['gateway', 'identity', 'consent', 'connect-request', 'record-store', 'audit', 'partner-push'];
const DEFAULT_DATABASE_URL = 'postgres://root@127.0.0.1:5432/carevault';
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
const DEFAULT_PORT = 8080;

/** 32 random bytes, base64url (43 characters). */
function generateSecret() {
  return randomBytes(32).toString('base64url');
}

/** True when text is a PEM private key node:crypto can load. */
function isPrivateKeyPem(text) {
  try {
    createPrivateKey(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The development token signing key: an EC P-256 private key (PKCS#8 PEM) kept in file (mode 0600)
 * so that tokens stay valid across restarts. Returns { pem, created }.
 */
function ensureSigningKey(file) {
  if (existsSync(file)) {
    const pem = readFileSync(file, 'utf8');
    if (!isPrivateKeyPem(pem)) throw new Error(`${file} is not a PEM private key: delete it and a new one is made`);
    chmodSync(file, 0o600);
    return { pem, created: false };
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  return { pem, created: true };
}

/** PORT as a number; throws on anything but 1..65535. */
function parsePort(value, fallback = DEFAULT_PORT) {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(String(value)) || port < 1 || port > 65535) throw new Error(`PORT must be a port number, not "${value}"`);
  return port;
}

/**
 * V8 flags a service runs with, beyond what NODE_OPTIONS already holds. The record store and the gateway, the
 * two largest, cap their young generation (V8's default grows it to 16 MB per semi-space): start-up (Nest, the
 * FHIR index, oidc-provider) grows it to the maximum and V8 never gives it back, which kept the idle record
 * store above 150 MB and the gateway just under. The record store, which also holds the FHIR index, gets 4 MB
 * (idle 133–135 MB; with 8 it was 142–149), the gateway 8 (130 MB). It costs more minor GCs under load; the
 * benchmark showed no change in CPU per request (docs/performance.md). The same flags are in
 * k8s/apps/*.yaml and docker/compose.yaml.
 */
const SERVICE_NODE_OPTIONS = { gateway: '--max-semi-space-size=8', 'record-store': '--max-semi-space-size=4' };

/** NODE_OPTIONS for a service: what the caller's environment has, then the service's own flags. */
function serviceNodeOptions(service, inherited) {
  const own = SERVICE_NODE_OPTIONS[service];
  return [inherited, own].filter(Boolean).join(' ') || undefined;
}

/** The environment of one service: PORT only for the gateway, so that no other service binds it by mistake. */
function serviceEnv(service, base, port) {
  const env = { ...base };
  delete env.PORT;
  if (service === 'gateway') env.PORT = String(port);
  const nodeOptions = serviceNodeOptions(service, base.NODE_OPTIONS);
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  return env;
}

const UP = new Set(['up', 'ok', 'healthy', 'pass', 'true']);

function stateOf(value) {
  if (value === true) return 'up';
  if (value === false || value === null || value === undefined) return 'down';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    for (const key of ['status', 'state']) if (typeof value[key] === 'string') return value[key];
    for (const key of ['up', 'ok', 'healthy']) if (typeof value[key] === 'boolean') return value[key] ? 'up' : 'down';
  }
  return 'unknown';
}

/** Why a service is not up, when its entry says: an error text, or the checks that are down. */
function detailOf(value) {
  if (!value || typeof value !== 'object') return undefined;
  if (typeof value.error === 'string') return value.error;
  const checks = value.checks && typeof value.checks === 'object' ? Object.entries(value.checks) : [];
  const down = checks.filter(([, v]) => !UP.has(String(stateOf(v)).toLowerCase())).map(([k]) => k);
  return down.length > 0 ? `${down.join(', ')} down` : undefined;
}

/**
 * The services a /health answer does not report as up, as [{ service, state, detail? }]. Reads the
 * gateway's { status, services: { name: { status, checks?, error? } } } and the other usual shapes
 * ({ services: [{ service|name, status }] }, { checks: {...} }, { name: ... } at the top); a service
 * the answer does not mention is 'not listed'.
 */
function servicesNotUp(health, services = SERVICES) {
  const entries = new Map();
  const source = health && typeof health === 'object' ? (health.services ?? health.checks ?? health) : {};
  if (Array.isArray(source)) {
    for (const entry of source) {
      const name = entry && (entry.service ?? entry.name);
      if (typeof name === 'string') entries.set(name, entry);
    }
  } else if (source && typeof source === 'object') {
    for (const [name, value] of Object.entries(source)) entries.set(name, value);
  }
  return services
    .map((service) => {
      if (!entries.has(service)) return { service, state: 'not listed' };
      const value = entries.get(service);
      const detail = detailOf(value);
      return detail ? { service, state: stateOf(value), detail } : { service, state: stateOf(value) };
    })
    .filter(({ state }) => !UP.has(String(state).toLowerCase()));
}

module.exports = {
  SERVICES,
  DEFAULT_DATABASE_URL,
  DEFAULT_NATS_URL,
  DEFAULT_PORT,
  generateSecret,
  isPrivateKeyPem,
  ensureSigningKey,
  parsePort,
  serviceEnv,
  serviceNodeOptions,
  SERVICE_NODE_OPTIONS,
  servicesNotUp,
};
