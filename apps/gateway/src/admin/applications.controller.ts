import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ErrorCode,
  IdentityCmd,
  type GetApplicationResponse,
  type RegisterApplicationResponse,
  type ReplaceRulesResponse,
  type RotateSecretResponse,
} from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';
import type { FastifyRequest } from 'fastify';
import { ApiProblems } from '../errors/problem.dto';
import { JsonBodyPipe } from '../validation/json-body.pipe';
import { JsonContentGuard } from '../validation/json-content.guard';
import { AdminTokenGuard } from './admin-token.guard';
import { ApplicationDto, RegisteredApplicationDto, RegisterApplicationBody, ReplaceRulesBody, RotatedSecretDto, RuleSetDto } from './admin.dto';
import { AppIdPipe } from './app-id.pipe';

/** Operator API for applications: each route is one identity command. */
@ApiTags('operator')
@ApiBearerAuth('operator')
@ApiProblems(ErrorCode.UNAUTHENTICATED, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL)
@UseGuards(AdminTokenGuard, JsonContentGuard)
@Controller('api/v1/admin/applications')
export class ApplicationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an application', description: 'The client secret and webhook secret are in this answer only.' })
  @ApiCreatedResponse({ type: RegisteredApplicationDto })
  @ApiProblems(ErrorCode.VALIDATION_FAILED)
  register(@Req() req: FastifyRequest, @Body(JsonBodyPipe) body: RegisterApplicationBody): Promise<RegisterApplicationResponse> {
    return this.rpc.request(IdentityCmd.RegisterApplication, body, { correlationId: req.id });
  }

  @Get(':appId')
  @ApiOperation({ summary: 'Get an application (without secrets)' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiProblems(ErrorCode.NOT_FOUND)
  get(@Req() req: FastifyRequest, @Param('appId', AppIdPipe) appId: string): Promise<GetApplicationResponse> {
    return this.rpc.request(IdentityCmd.GetApplication, { appId }, { correlationId: req.id });
  }

  @Put(':appId/rules')
  @ApiOperation({
    summary: 'Replace the rules (a new rule-set version)',
    description: 'Existing grants keep what they were given; a grant that lacks a newly required rule needs re-authorization.',
  })
  @ApiOkResponse({ type: RuleSetDto })
  @ApiProblems(ErrorCode.VALIDATION_FAILED, ErrorCode.NOT_FOUND)
  replaceRules(
    @Req() req: FastifyRequest,
    @Param('appId', AppIdPipe) appId: string,
    @Body(JsonBodyPipe) body: ReplaceRulesBody,
  ): Promise<ReplaceRulesResponse> {
    return this.rpc.request(IdentityCmd.ReplaceRules, { appId, rules: body.rules }, { correlationId: req.id });
  }

  @Post(':appId/secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the client secret', description: 'The new secret is in this answer only; the old one stops working at once.' })
  @ApiOkResponse({ type: RotatedSecretDto })
  @ApiProblems(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT)
  rotateSecret(@Req() req: FastifyRequest, @Param('appId', AppIdPipe) appId: string): Promise<RotateSecretResponse> {
    return this.rpc.request(IdentityCmd.RotateSecret, { appId }, { correlationId: req.id });
  }
}
