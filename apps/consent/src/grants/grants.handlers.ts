import {
  ConsentCmd,
  ErrorCode,
  FindActiveGrantRequest,
  type FindActiveGrantResponse,
  GetGrantRequest,
  type GrantList,
  type GrantView,
  ListAppGrantsRequest,
  ListRecordGrantsRequest,
  RevokeGrantRequest,
  RevokeRecordGrantsRequest,
  type RevokeRecordGrantsResponse,
  UpsertGrantRequest,
  type UpsertGrantResponse,
} from '@carevault/contracts';
import { DomainError } from '@carevault/platform';
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import { toGrantView } from './grant-view';
import { GrantsService } from './grants.service';

function correlationIdOf(ctx: NatsContext): string | null {
  return ctx.getHeaders()?.get('x-correlation-id') || null;
}

@Controller()
export class GrantsHandlers {
  constructor(private readonly grants: GrantsService) {}

  @MessagePattern(ConsentCmd.UpsertGrant)
  upsert(@Payload() req: UpsertGrantRequest, @Ctx() ctx: NatsContext): Promise<UpsertGrantResponse> {
    return this.grants.upsert(req, correlationIdOf(ctx));
  }

  @MessagePattern(ConsentCmd.RevokeGrant)
  revoke(@Payload() req: RevokeGrantRequest, @Ctx() ctx: NatsContext): Promise<GrantView> {
    return this.grants.revoke(req.grantId, req.personId, req.reason, correlationIdOf(ctx));
  }

  @MessagePattern(ConsentCmd.RevokeRecordGrants)
  async revokeRecord(@Payload() req: RevokeRecordGrantsRequest, @Ctx() ctx: NatsContext): Promise<RevokeRecordGrantsResponse> {
    return { revoked: await this.grants.revokeRecordGrants(req.recordId, req.personId, correlationIdOf(ctx)) };
  }

  @MessagePattern(ConsentCmd.GetGrant)
  get(@Payload() req: GetGrantRequest): Promise<GrantView> {
    return this.grants.get(req.grantId);
  }

  @MessagePattern(ConsentCmd.FindActiveGrant)
  async findActive(@Payload() req: FindActiveGrantRequest): Promise<FindActiveGrantResponse> {
    const g = await this.grants.findActive(req.appId, req.recordId);
    return { grant: g ? toGrantView(g) : null };
  }

  @MessagePattern(ConsentCmd.ListAppGrants)
  listByApp(@Payload() req: ListAppGrantsRequest): Promise<GrantList> {
    return this.grants.listByApp(req.appId, req.state, req.cursor, req.limit);
  }

  @MessagePattern(ConsentCmd.ListRecordGrants)
  listOnRecords(@Payload() req: ListRecordGrantsRequest): Promise<GrantList> {
    if (req.recordIds.length === 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'recordIds is empty', [{ field: 'recordIds', message: 'recordIds must not be empty' }]);
    return this.grants.listOnRecords(req.recordIds);
  }
}
