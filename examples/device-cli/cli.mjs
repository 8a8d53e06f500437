#!/usr/bin/env node
// A home blood-pressure cuff for Carevault, in the terminal: connects itself to a person's record with
// the OAuth 2.0 device flow (RFC 8628), keeps its own credentials, and uploads readings offline.
// Plain Node 20 (ESM, no dependencies). See README.md next to this file.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { registerCuff, refreshTokens, revokeRefreshToken, startDeviceAuthorization, uploadObservation, waitForApproval } from './lib/carevault.mjs';
import { bloodPressureObservation, readingFrom } from './lib/observation.mjs';
import { loadState, saveState, stateFile } from './lib/state.mjs';
import { CliError, EXIT, say } from './lib/ui.mjs';

const CMD = 'node examples/device-cli/cli.mjs';

const USAGE = `Usage: ${CMD} [options]

Takes a blood-pressure reading and adds it to your Carevault record. The first run connects the cuff:
it shows a web address and a code to enter there; later runs reuse the stored connection.

Options:
  --systolic <mmHg> --diastolic <mmHg>   the reading (without both, a reading is simulated)
  --connect            connect again (replaces the stored connection)
  --disconnect         end the stored connection and forget it
  --name <text>        what the cuff is called on your pages (default "Blood-pressure cuff (<host>)")
  --state <file>       where the credentials are kept (default ~/.carevault-cuff.json, mode 0600)
  --url <url>          Carevault's address (default $CAREVAULT_URL, else http://localhost:8080)
  --client-id <id>     the cuff application's client id (default $CLIENT_ID)
  --register           register the cuff application with the operator token $ADMIN_TOKEN, print its CLIENT_ID
  --help               this text`;

function options() {
  try {
    return parseArgs({
      options: {
        systolic: { type: 'string' },
        diastolic: { type: 'string' },
        connect: { type: 'boolean', default: false },
        disconnect: { type: 'boolean', default: false },
        register: { type: 'boolean', default: false },
        name: { type: 'string' },
        state: { type: 'string' },
        url: { type: 'string' },
        'client-id': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new CliError(`${err.message}\n\n${USAGE}`, EXIT.usage);
  }
}

function baseUrlOf(value) {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.origin;
  } catch {
    throw new CliError(`"${value}" is not an http:// or https:// address. Set CAREVAULT_URL (or --url) to Carevault's address.`, EXIT.usage);
  }
}

async function register(baseUrl, name) {
  const adminToken = process.env.ADMIN_TOKEN;
  if (!adminToken) throw new CliError('Set ADMIN_TOKEN to the operator token (`npm start` prints it) to register the cuff.', EXIT.usage);
  const app = await registerCuff(baseUrl, adminToken, name);
  say(`Registered "${app.name}" as a device application.`);
  say(`  CLIENT_ID=${app.clientId}`);
  say(`Now connect the cuff:  CLIENT_ID=${app.clientId} ${CMD}`);
}

/** The device flow: show where to go and the code, wait for the person's decision, keep the credentials. */
async function connect(baseUrl, clientId, name, file) {
  const authorization = await startDeviceAuthorization(baseUrl, clientId, name);
  say('To connect this blood-pressure cuff to your Carevault record:');
  say('');
  say(`  1. Open   ${authorization.verification_uri}`);
  say(`  2. Enter  ${authorization.user_code}`);
  say('');
  if (authorization.verification_uri_complete) say(`  Or open this link, which fills in the code: ${authorization.verification_uri_complete}`);
  say(`  The code works for ${Math.round(Number(authorization.expires_in) / 60)} minutes.`);
  say('');
  const tokens = await waitForApproval(baseUrl, clientId, authorization, CMD);
  const state = { url: baseUrl, clientId, instanceId: tokens.instance_id, recordId: tokens.record_id, refreshToken: tokens.refresh_token, name, connectedAt: new Date().toISOString() };
  saveState(file, state);
  say(`Connected as "${name}" (device instance ${tokens.instance_id}). Credentials saved in ${file}.`);
  return { state, accessToken: tokens.access_token };
}

/** A later run: a fresh access token, and the rotated refresh token written back before it is used. */
async function resume(state, file) {
  const tokens = await refreshTokens(state.url, state.clientId, state.refreshToken, CMD);
  const next = { ...state, refreshToken: tokens.refresh_token, refreshedAt: new Date().toISOString() };
  saveState(file, next);
  return { state: next, accessToken: tokens.access_token };
}

async function main() {
  const o = options();
  if (o.help) return say(USAGE);
  const baseUrl = baseUrlOf(o.url ?? process.env.CAREVAULT_URL ?? 'http://localhost:8080');
  const name = (o.name ?? `Blood-pressure cuff (${hostname()})`).trim().slice(0, 100);
  if (o.register) return register(baseUrl, o.name ?? 'Home blood-pressure cuff');

  const file = stateFile(o.state);
  const stored = loadState(file);
  if (o.disconnect) {
    if (!stored?.refreshToken) return say(`This cuff is not connected (no credentials in ${file}).`);
    await revokeRefreshToken(stored.url, stored.clientId, stored.refreshToken);
    saveState(file, { url: stored.url, clientId: stored.clientId, disconnectedAt: new Date().toISOString() });
    return say('Disconnected. The cuff can no longer add readings to your record.');
  }
  const reading = readingFrom(o);

  let session;
  if (o.connect || !stored?.refreshToken) {
    const clientId = o['client-id'] ?? process.env.CLIENT_ID ?? stored?.clientId;
    if (!clientId) throw new CliError(`Set CLIENT_ID (or --client-id) to the cuff application's client id. To register one: ADMIN_TOKEN=... ${CMD} --register`, EXIT.usage);
    session = await connect(baseUrl, clientId, name, file);
  } else {
    if (stored.url !== baseUrl && (o.url || process.env.CAREVAULT_URL)) {
      throw new CliError(`The stored connection is for ${stored.url}, not ${baseUrl}. Run \`${CMD} --connect\` to connect to ${baseUrl}.`, EXIT.notConnected);
    }
    session = await resume(stored, file);
  }

  const observation = bloodPressureObservation(reading, session.state.name ?? name);
  const item = await uploadObservation(session.state.url, session.accessToken, session.state.recordId, observation, CMD);
  say(`Uploaded ${reading.systolic}/${reading.diastolic} mmHg${reading.simulated ? ' (simulated)' : ''} at ${observation.effectiveDateTime} as item ${item.id}.`);
}

main().then(
  () => process.exit(0),
  (err) => {
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`Something went wrong: ${err?.stack ?? err}\n`);
    process.exit(EXIT.failed);
  },
);
