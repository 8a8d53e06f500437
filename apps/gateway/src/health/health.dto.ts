import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { SERVICE_NAMES, type ServiceName } from '@carevault/contracts';
import type { HealthReport, ServiceHealth } from './health.service';

export class ServiceHealthDto implements ServiceHealth {
  @ApiProperty({ enum: SERVICE_NAMES }) service: ServiceName;
  @ApiProperty({ enum: ['up', 'degraded', 'down'] }) status: 'up' | 'degraded' | 'down';
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down'] }, example: { database: 'up', nats: 'up' } })
  checks?: Record<string, 'up' | 'down'>;
  @ApiPropertyOptional() uptimeSeconds?: number;
  @ApiPropertyOptional({ example: 'timed out' }) error?: string;
}

export class HealthReportDto implements HealthReport {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';

  @ApiProperty({
    type: 'object',
    description: 'One entry per service, the gateway included.',
    additionalProperties: { $ref: getSchemaPath(ServiceHealthDto) },
  })
  services: Record<string, ServiceHealthDto>;
}

export class LivenessDto {
  @ApiProperty({ enum: ['up'] }) status: 'up';
}
