import type { NatsContext } from '@nestjs/microservices';

/** The correlation id the caller sent in the NATS headers (RpcClient's `x-correlation-id`), if any. */
export function correlationIdOf(ctx: NatsContext | undefined): string | null {
  const value = ctx?.getHeaders()?.get('x-correlation-id');
  return value ? value : null;
}
