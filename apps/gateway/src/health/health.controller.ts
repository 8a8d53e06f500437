import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HealthReportDto, LivenessDto, ServiceHealthDto } from './health.dto';
import { type HealthReport, HealthService } from './health.service';

@ApiTags('health')
@ApiExtraModels(ServiceHealthDto)
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health')
  @ApiOperation({ summary: 'Readiness: every service answers its NATS health check within 1.5 s' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Every service is up.' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'At least one service is down, degraded or silent.' })
  async check(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.check(req.id);
    reply.status(report.status === 'up' ? 200 : 503).header('cache-control', 'no-store');
    return report;
  }

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the gateway process answers' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'up' };
  }
}
