import {
  AuditCmd,
  type AuditEntryList,
  AuditQueryRequest,
  ExportFhirRequest,
  type ExportFhirResponse,
  type RecordActivityList,
  RecordActivityRequest,
} from '@carevault/contracts';
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { QueriesService } from './queries.service';

function correlationIdOf(ctx: NatsContext): string | null {
  return ctx.getHeaders()?.get('x-correlation-id') || null;
}

@Controller()
export class QueriesHandlers {
  constructor(private readonly queries: QueriesService) {}

  @MessagePattern(AuditCmd.Query)
  query(@Payload() req: AuditQueryRequest, @Ctx() ctx: NatsContext): Promise<AuditEntryList> {
    return this.queries.query(req, correlationIdOf(ctx));
  }

  @MessagePattern(AuditCmd.RecordActivity)
  recordActivity(@Payload() req: RecordActivityRequest, @Ctx() ctx: NatsContext): Promise<RecordActivityList> {
    return this.queries.recordActivity(req, correlationIdOf(ctx));
  }

  @MessagePattern(AuditCmd.ExportFhir)
  exportFhir(@Payload() req: ExportFhirRequest, @Ctx() ctx: NatsContext): Promise<ExportFhirResponse> {
    return this.queries.exportFhir(req, correlationIdOf(ctx));
  }
}
