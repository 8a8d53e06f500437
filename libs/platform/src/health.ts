import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type HealthResponse, type ServiceName, healthSubject } from '@carevault/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { createServer, type Server } from 'node:http';
import type { DataSource } from 'typeorm';

export async function checkHealth(service: ServiceName, dataSource: DataSource, nc: NatsConnection | undefined, startedAt: number): Promise<HealthResponse> {
  let database: 'up' | 'down' = 'down';
  try {
    await dataSource.query('SELECT 1');
    database = 'up';
  } catch {
    database = 'down';
  }
  const nats: 'up' | 'down' = nc && !nc.isClosed() ? 'up' : 'down';
  return {
    service,
    status: database === 'up' && nats === 'up' ? 'up' : 'degraded',
    checks: { database, nats },
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
}

/** A controller answering `<service>.cmd.health.v1`, made per service because the subject is in the decorator. */
export function createHealthController(service: ServiceName, dataSourceToken: unknown, natsToken: symbol): new (...args: never[]) => unknown {
  const startedAt = Date.now();

  @Controller()
  class HealthHandlers {
    constructor(
      @Inject(dataSourceToken as string) private readonly dataSource: DataSource,
      @Inject(natsToken) private readonly nc: NatsConnection,
    ) {}

    @MessagePattern(healthSubject(service))
    health(): Promise<HealthResponse> {
      return checkHealth(service, this.dataSource, this.nc, startedAt);
    }
  }
  return HealthHandlers;
}

/** For Kubernetes probes: GET /healthz (process alive) and /readyz (database and NATS reachable). */
export function startHealthServer(port: number, ready: () => Promise<boolean>): Server {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"up"}');
      return;
    }
    if (req.url === '/readyz') {
      ready().then(
        (ok) => res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'up' : 'down' })),
        () => res.writeHead(503).end('{"status":"down"}'),
      );
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(port);
  return server;
}
