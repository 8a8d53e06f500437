import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import {
  IdentityCmd,
  OAuthConsumeRequest,
  type OAuthConsumeResponse,
  OAuthDestroyRequest,
  type OAuthDestroyResponse,
  OAuthFindByUidRequest,
  OAuthFindByUserCodeRequest,
  OAuthFindRequest,
  type OAuthFindResponse,
  OAuthJtiStatusRequest,
  type OAuthJtiStatusResponse,
  OAuthRevokeByGrantIdRequest,
  type OAuthRevokeByGrantIdResponse,
  OAuthRevokeJtiRequest,
  type OAuthRevokeJtiResponse,
  OAuthUpsertRequest,
  type OAuthUpsertResponse,
} from '@carevault/contracts';
import { correlationIdOf } from '../correlation';
import { OAuthStoreService } from './oauth-store.service';

/** The gateway's oidc-provider adapter, one subject per adapter method. */
@Controller()
export class OAuthStoreHandlers {
  constructor(private readonly store: OAuthStoreService) {}

  @MessagePattern(IdentityCmd.OAuthUpsert)
  async upsert(@Payload() dto: OAuthUpsertRequest, @Ctx() ctx: NatsContext): Promise<OAuthUpsertResponse> {
    await this.store.upsert(dto.model, dto.id, dto.payload, dto.expiresIn, correlationIdOf(ctx));
    return { stored: true };
  }

  @MessagePattern(IdentityCmd.OAuthFind)
  find(@Payload() dto: OAuthFindRequest): Promise<OAuthFindResponse> {
    return this.store.find(dto.model, 'id', dto.id);
  }

  @MessagePattern(IdentityCmd.OAuthFindByUserCode)
  findByUserCode(@Payload() dto: OAuthFindByUserCodeRequest): Promise<OAuthFindResponse> {
    return this.store.find(dto.model, 'user_code', dto.userCode);
  }

  @MessagePattern(IdentityCmd.OAuthFindByUid)
  findByUid(@Payload() dto: OAuthFindByUidRequest): Promise<OAuthFindResponse> {
    return this.store.find(dto.model, 'uid', dto.uid);
  }

  @MessagePattern(IdentityCmd.OAuthConsume)
  async consume(@Payload() dto: OAuthConsumeRequest): Promise<OAuthConsumeResponse> {
    return { consumed: await this.store.consume(dto.model, dto.id) };
  }

  @MessagePattern(IdentityCmd.OAuthDestroy)
  async destroy(@Payload() dto: OAuthDestroyRequest): Promise<OAuthDestroyResponse> {
    return { destroyed: await this.store.destroy(dto.model, dto.id) };
  }

  @MessagePattern(IdentityCmd.OAuthRevokeByGrantId)
  async revokeByGrantId(@Payload() dto: OAuthRevokeByGrantIdRequest): Promise<OAuthRevokeByGrantIdResponse> {
    return { revoked: await this.store.revokeByGrantId(dto.model, dto.grantId, dto.denylist ?? false) };
  }

  @MessagePattern(IdentityCmd.OAuthRevokeJti)
  async revokeJti(@Payload() dto: OAuthRevokeJtiRequest, @Ctx() ctx: NatsContext): Promise<OAuthRevokeJtiResponse> {
    return { revoked: await this.store.revokeJti(dto.jti, dto.clientId, dto.exp, correlationIdOf(ctx)) };
  }

  @MessagePattern(IdentityCmd.OAuthJtiStatus)
  async jtiStatus(@Payload() dto: OAuthJtiStatusRequest): Promise<OAuthJtiStatusResponse> {
    return { revoked: await this.store.isDenylisted(dto.jti) };
  }
}
