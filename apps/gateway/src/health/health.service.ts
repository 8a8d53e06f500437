import { Inject, Injectable } from '@nestjs/common';
import { type HealthResponse, NATS_SERVICES, type ServiceName, healthSubject } from '@carevault/contracts';
import { NATS_CONNECTION, RpcClient, RpcError } from '@carevault/platform';
import type { NatsConnection } from '@nats-io/transport-node';

export const HEALTH_TIMEOUT_MS = 1500;

export interface ServiceHealth {
  service: ServiceName;
  status: 'up' | 'degraded' | 'down';
  checks?: Record<string, 'up' | 'down'>;
  uptimeSeconds?: number;
  /** Why a service counts as down: it timed out or nothing answered. */
  error?: string;
}

export interface HealthReport {
  status: 'up' | 'down';
  services: Record<string, ServiceHealth>;
}

const startedAt = Date.now();

/** Asks every service over NATS at once; the platform is up only when every one of them (and the gateway) is. */
@Injectable()
export class HealthService {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  async check(correlationId?: string): Promise<HealthReport> {
    const answers = await Promise.all(NATS_SERVICES.map((service) => this.ask(service, correlationId)));
    const services: Record<string, ServiceHealth> = { gateway: this.self() };
    for (const answer of answers) services[answer.service] = answer;
    const up = Object.values(services).every((s) => s.status === 'up');
    return { status: up ? 'up' : 'down', services };
  }

  private self(): ServiceHealth {
    const nats = this.nc.isClosed() ? 'down' : 'up';
    return { service: 'gateway', status: nats, checks: { nats }, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
  }

  private async ask(service: ServiceName, correlationId?: string): Promise<ServiceHealth> {
    try {
      const answer = (await this.rpc.requestUntyped(healthSubject(service), {}, { timeoutMs: HEALTH_TIMEOUT_MS, correlationId })) as HealthResponse;
      return { service, status: answer.status === 'up' ? 'up' : 'degraded', checks: answer.checks, uptimeSeconds: answer.uptimeSeconds };
    } catch (err) {
      return { service, status: 'down', error: err instanceof RpcError ? err.message.replace(/^[^:]*: /, '') : 'no answer' };
    }
  }
}
