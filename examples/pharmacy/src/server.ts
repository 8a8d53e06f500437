// The pharmacy's HTTP side: Carevault's webhooks (Standard Webhooks signatures, de-duplicated by
// `webhook-id`), "connect your record" for people, a dispense endpoint for the pharmacy's own staff,
// and what it is linked to.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { CarevaultClient } from './carevault';
import type { PharmacyConfig } from './config';
import { ConnectFlow, connectedPage } from './connect';
import { type Log, jsonLog } from './log';
import { Pharmacy, type WebhookEvent } from './pharmacy';
import { PharmacyState } from './state';

export const WEBHOOK_PATH = '/webhooks/carevault';
const MAX_BODY = 1024 * 1024;

export interface RunningPharmacy {
  url: string;
  port: number;
  pharmacy: Pharmacy;
  state: PharmacyState;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
}

export async function startPharmacy(config: PharmacyConfig, log: Log = jsonLog(), http: typeof fetch = fetch): Promise<RunningPharmacy> {
  const state = await PharmacyState.open(config.stateFile);
  const pharmacy = new Pharmacy(new CarevaultClient(config, http), state, log, config.medication);
  const webhook = new Webhook(config.webhookSecret);
  const connect = new ConnectFlow(config, http);
  // A retry can arrive while the first delivery of the same event is still being handled.
  const inFlight = new Map<string, Promise<void>>();

  async function onWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h] ?? '')]));
    let event: WebhookEvent;
    try {
      event = webhook.verify(body, headers) as WebhookEvent;
    } catch {
      log.warn('webhook refused: signature or timestamp not valid', { webhookId: headers['webhook-id'] || undefined });
      return send(res, 401, { error: 'invalid signature' });
    }
    const id = headers['webhook-id']!;
    await inFlight.get(id)?.catch(() => undefined);
    if (state.hasSeen(id)) {
      log.info('webhook already handled: acknowledged again', { webhookId: id, type: event.type });
      return send(res, 200, { duplicate: true });
    }
    const work = pharmacy.handle({ ...event, id }).then(() => state.markSeen(id));
    inFlight.set(id, work);
    try {
      await work;
      send(res, 204);
    } catch (err) {
      log.error('webhook not handled; Carevault will deliver it again', { webhookId: id, type: event.type, err: (err as Error).message });
      send(res, 503, { error: 'try again later' });
    } finally {
      inFlight.delete(id);
    }
  }

  async function onDispense(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let input: { recordId?: unknown; medication?: unknown };
    try {
      input = JSON.parse(await readBody(req)) as typeof input;
    } catch {
      throw new HttpError(400, 'body must be JSON');
    }
    if (typeof input.recordId !== 'string') throw new HttpError(400, 'recordId is required');
    const result = await pharmacy.dispense(input.recordId, typeof input.medication === 'string' ? input.medication : undefined);
    send(res, result.status === 201 ? 201 : 409, { carevaultStatus: result.status, item: result.status === 201 ? result.body : undefined });
  }

  async function onConnect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recordId = new URL(req.url ?? '/', 'http://x').searchParams.get('record_id') ?? undefined;
    res.writeHead(303, { location: connect.start(recordId) }).end();
  }

  async function onCallback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const result = await connect.finish(new URL(req.url ?? '/', 'http://x').searchParams).catch((err: Error) => err);
    log.info(result instanceof Error ? 'connect: not connected' : 'connect: a person connected their record', result instanceof Error ? { reason: result.message } : { recordId: result.recordId });
    res.writeHead(result instanceof Error ? 400 : 200, { 'content-type': 'text/html; charset=utf-8' }).end(connectedPage(result));
  }

  const server = createServer((req, res) => {
    const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    const handler =
      route === `POST ${WEBHOOK_PATH}` ? onWebhook
      : route === 'POST /dispense' ? onDispense
      : route === 'GET /connect' ? onConnect
      : route === 'GET /callback' ? onCallback
      : route === 'GET /records' ? async () => send(res, 200, { items: state.linkedRecords() })
      : route === 'GET /healthz' ? async () => send(res, 200, { status: 'up' })
      : async () => send(res, 404, { error: 'not found' });
    handler(req, res).catch((err: unknown) => {
      if (!(err instanceof HttpError)) log.error('request failed', { route, err: (err as Error).message });
      if (!res.headersSent) send(res, err instanceof HttpError ? err.status : 500, { error: err instanceof HttpError ? err.message : 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  log.info('pharmacy listening', { url, webhookUrl: `${url}${WEBHOOK_PATH}`, carevault: config.carevaultUrl, clientId: config.clientId });
  return {
    url,
    port,
    pharmacy,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
