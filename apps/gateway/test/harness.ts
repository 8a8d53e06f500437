// Test support for the gateway's integration specs: a private nats-server, fake services on it, the gateway in-process.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type RpcErrorBody, type ServiceName, healthSubject } from '@carevault/contracts';
import { createLogger } from '@carevault/platform';
import { type MsgHdrs, type NatsConnection, type Subscription, connect } from '@nats-io/transport-node';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway } from '../src/app';
import { type GatewayConfig, loadGatewayConfig } from '../src/config';

export const ADMIN_TOKEN = 'operator-token-for-tests-0123456789';
export const COOKIE_SECRET = 'cookie-secret-for-tests-0123456789abcdef';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket().once('connect', () => (s.destroy(), resolve(true))).once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server did not listen on ${port}`);
}

/** A private nats-server (JetStream, free port, temp store), stopped by its pid. */
export async function startNats(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'cv-gw-nats-'));
  const child: ChildProcess = spawn(process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], {
    stdio: 'ignore',
  });
  await waitForPort(port);
  return {
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await exited;
      }
      rmSync(store, { recursive: true, force: true });
    },
  };
}

export class Failure {
  constructor(readonly body: RpcErrorBody | Record<string, unknown>) {}
}

export interface Call {
  subject: string;
  data: unknown;
  correlationId: string | undefined;
}

type Handler = (data: never) => unknown;

/** Services that answer like NestJS NATS handlers (`{id, response | err, isDisposed}`), one subscription per subject. */
export class FakeServices {
  readonly calls: Call[] = [];
  private readonly subs = new Map<string, Subscription>();

  constructor(private readonly nc: NatsConnection) {}

  /** Answers `subject` with the handler's result; a returned Failure is sent as the error; `silent` never answers. */
  async on(subject: string, handler: Handler | 'silent'): Promise<void> {
    this.subs.get(subject)?.unsubscribe();
    const sub = this.nc.subscribe(subject, {
      callback: (_err, msg) => {
        const packet = msg.json<{ id: string; data: unknown }>();
        this.calls.push({ subject, data: packet.data, correlationId: (msg.headers as MsgHdrs | undefined)?.get('x-correlation-id') || undefined });
        if (handler === 'silent') return;
        void Promise.resolve((handler as (d: unknown) => unknown)(packet.data)).then((result) =>
          msg.respond(JSON.stringify(result instanceof Failure ? { id: packet.id, err: result.body, isDisposed: true } : { id: packet.id, response: result, isDisposed: true })),
        );
      },
    });
    this.subs.set(subject, sub);
    await this.nc.flush();
  }

  async healthy(services: readonly ServiceName[]): Promise<void> {
    for (const service of services) {
      await this.on(healthSubject(service), () => ({ service, status: 'up', checks: { database: 'up', nats: 'up' }, uptimeSeconds: 1 }));
    }
  }

  async off(subject: string): Promise<void> {
    this.subs.get(subject)?.unsubscribe();
    this.subs.delete(subject);
    await this.nc.flush();
  }

  async reset(): Promise<void> {
    for (const subject of [...this.subs.keys()]) await this.off(subject);
    this.calls.length = 0;
  }

  last(subject: string): Call | undefined {
    return [...this.calls].reverse().find((c) => c.subject === subject);
  }
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as is; an object as JSON (with content-type application/json unless given). */
  payload?: string | object;
}

export interface HttpResponse {
  statusCode: number;
  /** Lower-case names; set-cookie values are in `setCookies`. */
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

export interface Harness {
  app: NestFastifyApplication;
  services: FakeServices;
  config: GatewayConfig;
  /** A real HTTP request to the listening gateway (jest cannot load light-my-request, whose `cookie` is ESM-only). */
  request(r: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

async function send(base: string, r: HttpRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...r.headers };
  let body: string | undefined;
  if (typeof r.payload === 'string') body = r.payload;
  else if (r.payload !== undefined) {
    body = JSON.stringify(r.payload);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + r.url, { method: r.method, headers, body, redirect: 'manual' });
  const text = await res.text();
  const plain: Record<string, string> = {};
  res.headers.forEach((value, name) => (plain[name] = value));
  return { statusCode: res.status, headers: plain, setCookies: res.headers.getSetCookie(), body: text, json: () => JSON.parse(text) };
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const nats = await startNats();
  let app: NestFastifyApplication | undefined;
  try {
    const config = loadGatewayConfig({ NATS_URL: nats.url, ADMIN_TOKEN, COOKIE_SECRET, LOG_LEVEL: 'silent', ...env });
    app = await createGateway(config, createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent'), { swaggerUi: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.getHttpServer().address() as { port: number };
    const nc = await connect({ servers: nats.url, name: 'fake-services' });
    const started = app;
    return {
      app: started,
      config,
      services: new FakeServices(nc),
      request: (r) => send(`http://127.0.0.1:${port}`, r),
      async close() {
        await started.close();
        await nc.drain();
        await nats.stop();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await nats.stop();
    throw err;
  }
}
