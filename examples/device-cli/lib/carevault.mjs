// Carevault over HTTP: the RFC 8628 device flow, rotating refresh tokens, the partner data API.
import { CliError, EXIT, sleep, spinner } from './ui.mjs';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const RECONNECT = (cmd) => `Run \`${cmd} --connect\` to connect it again.`;

async function call(baseUrl, path, init) {
  try {
    return await fetch(new URL(path, baseUrl), init);
  } catch (err) {
    const why = err.cause?.code ?? err.cause?.message ?? err.message;
    throw new CliError(`Cannot reach Carevault at ${baseUrl} (${why}). Is it running? Set CAREVAULT_URL (or --url) to its address.`, EXIT.failed);
  }
}

async function form(baseUrl, path, fields) {
  const res = await call(baseUrl, path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields),
  });
  const text = await res.text();
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  return { status: res.status, body };
}

function unknownClient(clientId) {
  return new CliError(`Carevault does not know the client id "${clientId}" as a device application. Register the cuff first (--register, see the README) and set CLIENT_ID.`, EXIT.usage);
}

/** Starts the device flow: the code the person enters, and how long and how often to poll. */
export async function startDeviceAuthorization(baseUrl, clientId, instanceName) {
  const { status, body } = await form(baseUrl, '/oauth/device_authorization', { client_id: clientId, instance_name: instanceName });
  if (status === 200 && typeof body.device_code === 'string') return body;
  if (body.error === 'invalid_client' || body.error === 'unauthorized_client') throw unknownClient(clientId);
  throw new CliError(`Carevault did not start the connection (${body.error ?? `HTTP ${status}`}${body.error_description ? `: ${body.error_description}` : ''}).`, EXIT.failed);
}

/**
 * Polls the token endpoint until the person decides: waits `interval` seconds before each request,
 * 5 more after every slow_down (RFC 8628 §3.5), and gives up when the code expires.
 */
export async function waitForApproval(baseUrl, clientId, authorization, cmd) {
  let interval = Math.max(1, Number(authorization.interval) || 5);
  const deadline = Date.now() + Number(authorization.expires_in) * 1000;
  const spin = spinner('Waiting for you to approve the cuff on the website… (Ctrl-C to stop)');
  try {
    for (;;) {
      await sleep(interval * 1000);
      if (Date.now() > deadline) throw new CliError(`The code expired before it was approved. ${RECONNECT(cmd)}`, EXIT.notConnected);
      let answer;
      try {
        answer = await form(baseUrl, '/oauth/token', { grant_type: DEVICE_CODE_GRANT, device_code: authorization.device_code, client_id: clientId });
      } catch (err) {
        spin.update(`Carevault did not answer; trying again in ${interval} s… (${err.message})`);
        continue;
      }
      const { status, body } = answer;
      if (status === 200 && typeof body.access_token === 'string') {
        spin.stop('Approved.');
        return body;
      }
      switch (body.error) {
        case 'authorization_pending':
          break;
        case 'slow_down':
          interval += 5;
          spin.update(`Carevault asked the cuff to poll more slowly: every ${interval} s now.`);
          break;
        case 'access_denied':
          throw new CliError(`The connection was declined on the website. ${RECONNECT(cmd)}`, EXIT.notConnected);
        case 'expired_token':
          throw new CliError(`The code expired before it was approved. ${RECONNECT(cmd)}`, EXIT.notConnected);
        case 'invalid_client':
          throw unknownClient(clientId);
        default:
          throw new CliError(`Carevault refused the connection (${body.error ?? `HTTP ${status}`}). ${RECONNECT(cmd)}`, EXIT.failed);
      }
    }
  } finally {
    spin.stop();
  }
}

/** A new access token from the stored refresh token; the answer carries the next refresh token (rotation). */
export async function refreshTokens(baseUrl, clientId, refreshToken, cmd) {
  const { status, body } = await form(baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
  if (status === 200 && typeof body.access_token === 'string' && typeof body.refresh_token === 'string') return body;
  if (body.error === 'invalid_grant') throw new CliError(`This cuff is no longer connected to Carevault. ${RECONNECT(cmd)}`, EXIT.notConnected);
  if (body.error === 'invalid_client') throw unknownClient(clientId);
  throw new CliError(`Carevault did not renew the cuff's access (${body.error ?? `HTTP ${status}`}). Try again later.`, EXIT.failed);
}

/** RFC 7009: ends the cuff's refresh-token chain (Carevault disconnects the device instance with it). */
export async function revokeRefreshToken(baseUrl, clientId, refreshToken) {
  const { status } = await form(baseUrl, '/oauth/revoke', { token: refreshToken, token_type_hint: 'refresh_token', client_id: clientId });
  if (status !== 200) throw new CliError(`Carevault did not disconnect the cuff (HTTP ${status}). Disconnect it on your connected applications page instead.`, EXIT.failed);
}

/** POST /api/v1/records/{recordId}/items: the item Carevault stored. */
export async function uploadObservation(baseUrl, accessToken, recordId, observation, cmd) {
  const res = await call(baseUrl, `/api/v1/records/${encodeURIComponent(recordId)}/items`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/fhir+json', accept: 'application/json' },
    body: JSON.stringify(observation),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 201) return body;
  const detail = body.detail ? ` ${body.detail}` : '';
  switch (res.status) {
    case 401:
      throw new CliError(`This cuff is no longer connected to Carevault. ${RECONNECT(cmd)}`, EXIT.notConnected);
    case 404:
      throw new CliError(`The record this cuff writes to is no longer shared with it. ${RECONNECT(cmd)}`, EXIT.notConnected);
    case 403:
      throw new CliError('Carevault does not allow this cuff to add blood-pressure readings to the record (the application has no rule for it).', EXIT.failed);
    case 400:
    case 422:
      throw new CliError(`Carevault refused the reading as invalid.${detail}`, EXIT.failed);
    case 429:
      throw new CliError('Carevault is busy (too many requests). Try again in a minute.', EXIT.failed);
    default:
      throw new CliError(`Carevault could not store the reading (HTTP ${res.status}).${detail} Try again later.`, EXIT.failed);
  }
}

/** The operator API: registers the cuff as a device application (public client, one offline rule). */
export async function registerCuff(baseUrl, adminToken, name) {
  const res = await call(baseUrl, '/api/v1/admin/applications', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      name,
      description: 'A home blood-pressure cuff that adds its readings to your record.',
      kind: 'device',
      redirectUris: [],
      rules: [
        {
          name: 'Blood pressure readings',
          reason: 'Adds the readings the cuff takes, and reads them back to show your trend',
          dataTypes: ['Observation'],
          permissions: ['create', 'read'],
          mode: 'offline',
          required: true,
        },
      ],
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 201) return body;
  if (res.status === 401 || res.status === 403) throw new CliError('Carevault refused the operator token. Set ADMIN_TOKEN to the token `npm start` printed.', EXIT.usage);
  throw new CliError(`Carevault did not register the cuff (HTTP ${res.status}${body.detail ? `: ${body.detail}` : ''}).`, EXIT.failed);
}
