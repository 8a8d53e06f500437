import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import {
  GetApplicationByClientIdRequest,
  type GetApplicationByClientIdResponse,
  GetApplicationRequest,
  type GetApplicationResponse,
  GetRuleSetRequest,
  type GetRuleSetResponse,
  GetWebhookConfigRequest,
  type GetWebhookConfigResponse,
  IdentityCmd,
  RegisterApplicationRequest,
  type RegisterApplicationResponse,
  ReplaceRulesRequest,
  type ReplaceRulesResponse,
  RotateSecretRequest,
  type RotateSecretResponse,
  VerifyClientSecretRequest,
  type VerifyClientSecretResponse,
} from '@carevault/contracts';
import { correlationIdOf } from '../correlation';
import { ApplicationsService } from './applications.service';

@Controller()
export class ApplicationsHandlers {
  constructor(private readonly applications: ApplicationsService) {}

  @MessagePattern(IdentityCmd.RegisterApplication)
  register(@Payload() dto: RegisterApplicationRequest, @Ctx() ctx: NatsContext): Promise<RegisterApplicationResponse> {
    return this.applications.register(dto, correlationIdOf(ctx));
  }

  @MessagePattern(IdentityCmd.GetApplication)
  get(@Payload() dto: GetApplicationRequest): Promise<GetApplicationResponse> {
    return this.applications.get(dto.appId);
  }

  @MessagePattern(IdentityCmd.GetApplicationByClientId)
  getByClientId(@Payload() dto: GetApplicationByClientIdRequest): Promise<GetApplicationByClientIdResponse> {
    return this.applications.getByClientId(dto.clientId);
  }

  @MessagePattern(IdentityCmd.ReplaceRules)
  replaceRules(@Payload() dto: ReplaceRulesRequest, @Ctx() ctx: NatsContext): Promise<ReplaceRulesResponse> {
    return this.applications.replaceRules(dto.appId, dto.rules, correlationIdOf(ctx));
  }

  @MessagePattern(IdentityCmd.GetRuleSet)
  getRuleSet(@Payload() dto: GetRuleSetRequest): Promise<GetRuleSetResponse> {
    return this.applications.getRuleSet(dto.appId, dto.version);
  }

  @MessagePattern(IdentityCmd.RotateSecret)
  rotateSecret(@Payload() dto: RotateSecretRequest, @Ctx() ctx: NatsContext): Promise<RotateSecretResponse> {
    return this.applications.rotateSecret(dto.appId, correlationIdOf(ctx));
  }

  @MessagePattern(IdentityCmd.VerifyClientSecret)
  verifyClientSecret(@Payload() dto: VerifyClientSecretRequest): Promise<VerifyClientSecretResponse> {
    return this.applications.verifyClientSecret(dto.clientId, dto.clientSecret);
  }

  @MessagePattern(IdentityCmd.GetWebhookConfig)
  getWebhookConfig(@Payload() dto: GetWebhookConfigRequest): Promise<GetWebhookConfigResponse> {
    return this.applications.getWebhookConfig(dto.appId);
  }
}
