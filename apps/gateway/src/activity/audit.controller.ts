import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditCmd, type AuditEntryList, ErrorCode, type VerifyAuditResponse } from '@carevault/contracts';
import { RpcClient, SERVICE_CONFIG } from '@carevault/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import type { GatewayConfig } from '../config';
import { ApiProblems } from '../errors/problem.dto';
import { queryPipe } from '../partner-api/query.pipe';
import { AuditEntryListDto, AuditExportQuery, AuditQuery, AuditVerifyDto, AuditVerifyQuery } from './audit.dto';

/** Walking every chain takes a while on a large trail (the CLI, `npm run audit:verify`, has no limit). */
const VERIFY_TIMEOUT_MS = 60_000;
const OPERATOR = { operator: true } as const;
const FHIR_BUNDLE_SCHEMA = {
  type: 'object',
  properties: {
    resourceType: { type: 'string', enum: ['Bundle'] },
    type: { type: 'string', enum: ['collection'] },
    entry: { type: 'array', items: { type: 'object', properties: { resource: { type: 'object', description: 'A FHIR R4 AuditEvent' } } } },
    link: { type: 'array', items: { type: 'object', properties: { relation: { type: 'string', enum: ['self', 'next'] }, url: { type: 'string' } } } },
  },
};

/** The operator's view of the audit trail; every read is itself audited by the audit service. */
@ApiTags('operator')
@ApiBearerAuth('operator')
@ApiProblems(ErrorCode.UNAUTHENTICATED, ErrorCode.VALIDATION_FAILED, ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL)
@UseGuards(AdminTokenGuard)
@Controller('api/v1/admin/audit')
export class AuditController {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Query the audit trail', description: 'Newest first; every filter optional. Lists are `{ items, nextCursor }`.' })
  @ApiOkResponse({ type: AuditEntryListDto })
  query(@Req() req: FastifyRequest, @Query(queryPipe) q: AuditQuery): Promise<AuditEntryList> {
    return this.rpc.request(AuditCmd.Query, { ...q, actor: OPERATOR }, { correlationId: req.id });
  }

  @Get('verify')
  @ApiOperation({
    summary: 'Verify the hash chains',
    description: 'Walks one record’s chain, or every chain. 200 either way: `ok: false` names the first entry that does not match its chain.',
  })
  @ApiOkResponse({ type: AuditVerifyDto })
  verify(@Req() req: FastifyRequest, @Query(queryPipe) q: AuditVerifyQuery): Promise<VerifyAuditResponse> {
    return this.rpc.request(AuditCmd.Verify, { recordId: q.recordId }, { correlationId: req.id, timeoutMs: VERIFY_TIMEOUT_MS });
  }

  @Get('export')
  @ApiOperation({
    summary: 'Export a record’s trail as FHIR R4 AuditEvents',
    description: 'A `collection` Bundle, newest first; the next page is the Bundle’s `link` with relation `next`.',
  })
  @ApiOkResponse({ description: 'Bundle of AuditEvent (FHIR R4)', content: { 'application/fhir+json': { schema: FHIR_BUNDLE_SCHEMA } } })
  @ApiProblems(ErrorCode.NOT_FOUND)
  async export(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query(queryPipe) q: AuditExportQuery): Promise<FastifyReply> {
    const { bundle, nextCursor } = await this.rpc.request(AuditCmd.ExportFhir, { ...q, actor: OPERATOR }, { correlationId: req.id });
    const page = (cursor?: string) => {
      const params = new URLSearchParams({ recordId: q.recordId, ...(q.limit ? { limit: String(q.limit) } : {}), ...(cursor ? { cursor } : {}) });
      return `${this.config.PUBLIC_URL}/api/v1/admin/audit/export?${params.toString()}`;
    };
    const link = [{ relation: 'self', url: page(q.cursor) }, ...(nextCursor ? [{ relation: 'next', url: page(nextCursor) }] : [])];
    return reply.header('content-type', 'application/fhir+json; charset=utf-8').header('cache-control', 'no-store').send({ ...bundle, link });
  }
}
