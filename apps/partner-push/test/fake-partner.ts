import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request was complete. */
  at: number;
  /** The status this partner answered with. */
  status: number;
}

/** Answers a webhook with a status code, after an optional delay (a delay beyond the sender's timeout is a hang). */
export type Behaviour = (w: Omit<ReceivedWebhook, 'status'>) => number | { status: number; delayMs: number };

/** A partner's webhook endpoint on 127.0.0.1 that records every request it gets. */
export class FakePartner {
  readonly received: ReceivedWebhook[] = [];
  behaviour: Behaviour = () => 200;
  private readonly waiters = new Map<string, (w: ReceivedWebhook) => void>();

  private readonly server: Server;
  url = '';

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const w = { id: String(req.headers['webhook-id'] ?? ''), headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
        const answer = this.behaviour(w);
        const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
        const got = { ...w, status };
        this.received.push(got);
        this.waiters.get(w.id)?.(got);
        this.waiters.delete(w.id);
        const reply = () => {
          if (!res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        };
        if (delayMs > 0) setTimeout(reply, delayMs).unref();
        else reply();
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  static async start(behaviour?: Behaviour): Promise<FakePartner> {
    const partner = new FakePartner();
    await new Promise<void>((r) => partner.server.listen(0, '127.0.0.1', r));
    partner.url = `http://127.0.0.1:${(partner.server.address() as AddressInfo).port}/hooks`;
    if (behaviour) partner.behaviour = behaviour;
    return partner;
  }

  /** Event ids answered 2xx, in the order they were answered. */
  delivered(): string[] {
    return this.received.filter((w) => w.status >= 200 && w.status < 300).map((w) => w.id);
  }

  /** The next request carrying this webhook-id. */
  next(id: string, timeoutMs = 10_000): Promise<ReceivedWebhook> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`partner: no webhook ${id} in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(id, (w) => {
        clearTimeout(t);
        resolve(w);
      });
    });
  }

  async waitFor(check: (p: FakePartner) => boolean, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check(this)) {
      if (Date.now() > end) throw new Error(`partner: condition not met in ${timeoutMs} ms (received ${this.received.length})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
