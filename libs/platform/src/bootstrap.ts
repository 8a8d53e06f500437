import type { DynamicModule, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { ServiceName } from '@carevault/contracts';
import type { Logger } from 'pino';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConfigError } from './config';
import { NestPinoLogger, createLogger } from './logger';
import { RpcErrorFilter, RpcValidationPipe } from './rpc-server';

/** Starts a NATS-only service: validated payloads, RpcErrorBody errors, graceful shutdown. */
export async function startService(service: ServiceName, module: DynamicModule | Type, natsUrl: string, logger: Logger): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    transport: Transport.NATS,
    options: { servers: natsUrl.split(','), queue: service, name: service, maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true },
    logger: new NestPinoLogger(logger),
  });
  app.useGlobalPipes(new RpcValidationPipe());
  app.useGlobalFilters(new RpcErrorFilter());
  app.enableShutdownHooks();
  await app.listen();
  // The subscriptions were sent, not yet seen by the server: a request right now could find no responder.
  // One round trip (PING/PONG) after them, and "ready" means ready.
  await app.unwrap<{ flush(): Promise<void> }>().flush();
  logger.info({ pid: process.pid }, `${service} ready`);
  return app;
}

/**
 * One full garbage collection once a service is up. Start-up leaves garbage behind (module sources, parsed
 * definitions, Nest's scanning) that V8 keeps resident until a major GC, which an idle service may not run for
 * a long time: this returns it to the OS at once (about 20–40 MB per service). Runs once; costs ~20 ms.
 */
export function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

/**
 * Runs main(), printing a configuration problem plainly (no stack) and anything else as a fatal log line;
 * once main() has the service up, collects the start-up garbage.
 */
export function runMain(service: ServiceName, main: () => Promise<unknown>): void {
  main().then(() => {
    try {
      collectStartupGarbage();
    } catch {
      // only a memory optimisation: the service is up either way
    }
  }, (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      createLogger(service).fatal({ err }, `${service} failed to start`);
    }
    process.exit(1);
  });
}
