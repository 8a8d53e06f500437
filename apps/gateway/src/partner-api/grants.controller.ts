import { ConsentCmd, ErrorCode, type GrantList, type GrantView, type PermissionSet } from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../errors/problem.dto';
import { ProblemException } from '../errors/problem.exception';
import { PageQuery } from './partner-api.dto';
import { NO_SUCH_RECORD, PartnerAccessService } from './partner-access.service';
import { queryPipe } from './query.pipe';

/** Data type → permissions, the shape of HealthVault's QueryPermissions answer. */
export type PermissionsByType = Record<string, string[]>;

export function byDataType(set: PermissionSet): PermissionsByType {
  const out: PermissionsByType = {};
  for (const [permission, types] of Object.entries(set)) {
    for (const t of types) (out[t] ??= []).push(permission);
  }
  return out;
}

@ApiTags('partner data')
@ApiBearerAuth('access-token')
@ApiProblems(ErrorCode.UNAUTHENTICATED, ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL)
@Controller('api/v1')
export class GrantsController {
  constructor(
    private readonly access: PartnerAccessService,
    private readonly rpc: RpcClient,
  ) {}

  @Get('me/grants')
  @ApiOperation({ summary: "The grants this application holds (an online token: the one it was issued under)" })
  async myGrants(@Req() req: FastifyRequest, @Query(queryPipe) q: PageQuery): Promise<GrantList> {
    const caller = await this.access.authenticate(req);
    if (caller.recordId) {
      const perms = await this.access.grantOn(caller, caller.recordId, req.id);
      if (!perms?.grant) return { items: [], nextCursor: null };
      const grant: GrantView = await this.rpc.request(ConsentCmd.GetGrant, { grantId: perms.grant.grantId }, { correlationId: req.id });
      return { items: [grant], nextCursor: null };
    }
    return this.rpc.request(ConsentCmd.ListAppGrants, { appId: caller.appId, state: 'active', ...q }, { correlationId: req.id });
  }

  @Get('records/:recordId/permissions')
  @ApiOperation({ summary: "This application's effective permissions on the record, per data type, online and offline" })
  @ApiProblems(ErrorCode.NOT_FOUND)
  async permissions(@Req() req: FastifyRequest, @Param('recordId') recordId: string) {
    const caller = await this.access.authenticate(req);
    const perms = await this.access.grantOn(caller, recordId, req.id);
    if (!perms?.grant) throw new ProblemException(ErrorCode.NOT_FOUND, NO_SUCH_RECORD);
    return {
      recordId,
      grantId: perms.grant.grantId,
      mode: caller.mode,
      online: byDataType(perms.online),
      offline: byDataType(perms.offline),
    };
  }
}
