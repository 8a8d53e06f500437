import { IsOptional, IsString } from 'class-validator';

export type ServiceName = 'gateway' | 'identity' | 'consent' | 'connect-request' | 'record-store' | 'audit' | 'partner-push';

export const SERVICE_NAMES: readonly ServiceName[] = [
  'gateway',
  'identity',
  'consent',
  'connect-request',
  'record-store',
  'audit',
  'partner-push',
];

/** Services answered over NATS (the gateway is asked over HTTP). */
export const NATS_SERVICES = SERVICE_NAMES.filter((s) => s !== 'gateway');

export function healthSubject(service: ServiceName): string {
  return `${service}.cmd.health.v1`;
}

export class HealthRequest {
  @IsOptional()
  @IsString()
  probe?: string;
}

export interface HealthResponse {
  service: ServiceName;
  status: 'up' | 'degraded';
  checks: Record<string, 'up' | 'down'>;
  uptimeSeconds: number;
}
