import type { DynamicModule, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { ServiceName } from '@carevault/contracts';
import type { Logger } from 'pino';
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
  logger.info({ pid: process.pid }, `${service} ready`);
  return app;
}

/** Runs main(), printing a configuration problem plainly (no stack) and anything else as a fatal log line. */
export function runMain(service: ServiceName, main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      createLogger(service).fatal({ err }, `${service} failed to start`);
    }
    process.exit(1);
  });
}
