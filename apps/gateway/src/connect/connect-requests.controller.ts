import {
  type AuthorizedConnectRequestList,
  type ChangeExternalIdResponse,
  CONNECT_REQUEST_LIMITS,
  ConnectRequestCmd,
  type CreateConnectRequestResponse,
  type DeleteConnectRequestResponse,
  ErrorCode,
  IdentityCmd,
} from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../errors/problem.dto';
import { ProblemException } from '../errors/problem.exception';
import type { Caller } from '../partner-api/access-token.verifier';
import { queryPipe } from '../partner-api/query.pipe';
import { JsonBodyPipe } from '../validation/json-body.pipe';
import { JsonContentGuard } from '../validation/json-content.guard';
import { ApplicationTokenGuard, CallingApp } from './application-token.guard';
import {
  AuthorizedConnectRequestListDto,
  ChangeExternalIdBody,
  ChangedExternalIdDto,
  CreateConnectRequestBody,
  CreatedConnectRequestDto,
  DeletedConnectRequestDto,
  ListAuthorizedQuery,
} from './connect-requests.dto';

function externalIdOf(value: string): string {
  if (value.length > CONNECT_REQUEST_LIMITS.externalId) throw new ProblemException(ErrorCode.NOT_FOUND, 'No such connect request.');
  return value;
}

/**
 * /api/v1/connect-requests: each route is one connect-request command for the calling application,
 * which must use its own token (client_credentials); user and device tokens get 403.
 */
@ApiTags('patient connect')
@ApiBearerAuth('access-token')
@ApiProblems(ErrorCode.UNAUTHENTICATED, ErrorCode.ACCESS_DENIED, ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL)
@UseGuards(ApplicationTokenGuard, JsonContentGuard)
@Controller('api/v1/connect-requests')
export class ConnectRequestsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a connect request and get its pickup code',
    description: 'Only for applications with at least one offline rule. The pickup code (and URL) is in this answer only.',
  })
  @ApiCreatedResponse({ type: CreatedConnectRequestDto })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.DUPLICATE_CONNECT_REQUEST, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.UNSUPPORTED_MEDIA_TYPE)
  async create(@Req() req: FastifyRequest, @CallingApp() caller: Caller, @Body(JsonBodyPipe) body: CreateConnectRequestBody): Promise<CreateConnectRequestResponse> {
    const app = await this.rpc.request(IdentityCmd.GetApplication, { appId: caller.appId }, { correlationId: req.id });
    if (!app.rules.some((r) => r.mode === 'offline')) {
      throw new ProblemException(ErrorCode.ACCESS_DENIED, 'Only an application with offline rules can create connect requests.');
    }
    const { externalId, friendlyName, question, answer } = body;
    return this.rpc.request(ConnectRequestCmd.Create, { appId: caller.appId, externalId, friendlyName, question, answer }, { correlationId: req.id });
  }

  @Get('authorized')
  @ApiOperation({
    summary: 'Connect requests picked up since the cursor, oldest first',
    description: 'One item per pickup (a request can be picked up for several records). Keep nextCursor and send it as `since`.',
  })
  @ApiOkResponse({ type: AuthorizedConnectRequestListDto })
  @ApiProblems(ErrorCode.VALIDATION_FAILED)
  async authorized(@Req() req: FastifyRequest, @CallingApp() caller: Caller, @Query(queryPipe) q: ListAuthorizedQuery): Promise<AuthorizedConnectRequestList> {
    return this.rpc.request(ConnectRequestCmd.ListAuthorized, { appId: caller.appId, ...q }, { correlationId: req.id });
  }

  @Delete(':externalId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Delete the pending (or locked, or expired) connect requests with this external id',
    description: 'Answers 200 with how many were deleted. A request that was picked up stays: 409 CONNECT_REQUEST_ALREADY_AUTHORIZED.',
  })
  @ApiOkResponse({ type: DeletedConnectRequestDto })
  @ApiProblems(ErrorCode.NOT_FOUND, ErrorCode.CONNECT_REQUEST_ALREADY_AUTHORIZED)
  async remove(@Req() req: FastifyRequest, @CallingApp() caller: Caller, @Param('externalId') externalId: string): Promise<DeleteConnectRequestResponse> {
    return this.rpc.request(ConnectRequestCmd.Delete, { appId: caller.appId, externalId: externalIdOf(externalId) }, { correlationId: req.id });
  }

  @Patch(':externalId')
  @ApiOperation({ summary: 'Rename an external id (on every request that carries it, picked up or not)' })
  @ApiOkResponse({ type: ChangedExternalIdDto })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.NOT_FOUND, ErrorCode.DUPLICATE_CONNECT_REQUEST, ErrorCode.UNSUPPORTED_MEDIA_TYPE)
  async rename(
    @Req() req: FastifyRequest,
    @CallingApp() caller: Caller,
    @Param('externalId') externalId: string,
    @Body(JsonBodyPipe) body: ChangeExternalIdBody,
  ): Promise<ChangeExternalIdResponse> {
    return this.rpc.request(
      ConnectRequestCmd.ChangeExternalId,
      { appId: caller.appId, externalId: externalIdOf(externalId), newExternalId: body.newExternalId },
      { correlationId: req.id },
    );
  }
}
