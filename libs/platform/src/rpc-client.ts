import { ErrorCode, type RpcMap, isRpcErrorBody } from '@carevault/contracts';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import { RpcError } from './errors';

export interface RequestOptions {
  timeoutMs?: number;
  correlationId?: string;
}

let nextId = 0;

/**
 * Typed request/reply over core NATS, speaking NestJS' NATS wire format (`{pattern,data,id}` →
 * `{id,response,err,isDisposed}`) directly on the connection: one round trip, no Observable plumbing.
 */
export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs = 5000,
  ) {}

  async request<S extends keyof RpcMap & string>(
    subject: S,
    data: RpcMap[S]['request'],
    options: RequestOptions = {},
  ): Promise<RpcMap[S]['response']> {
    return this.requestUntyped(subject, data, options) as Promise<RpcMap[S]['response']>;
  }

  async requestUntyped(subject: string, data: unknown, options: RequestOptions = {}): Promise<unknown> {
    const id = `${process.pid}-${++nextId}`;
    const h = natsHeaders();
    if (options.correlationId) h.set('x-correlation-id', options.correlationId);
    let reply;
    try {
      reply = await this.nc.request(subject, JSON.stringify({ pattern: subject, data, id }), {
        timeout: options.timeoutMs ?? this.defaultTimeoutMs,
        headers: h,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new RpcError({ code: ErrorCode.UNAVAILABLE, message: `${subject}: ${/timeout/i.test(message) ? 'timed out' : 'no service answered'}` });
    }
    const packet = reply.json<{ response?: unknown; err?: unknown }>();
    if (packet.err !== undefined && packet.err !== null) {
      if (isRpcErrorBody(packet.err)) throw new RpcError(packet.err);
      throw new RpcError({ code: ErrorCode.INTERNAL, message: 'internal error' });
    }
    return packet.response;
  }
}
