import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, type NatsContext, Payload } from '@nestjs/microservices';
import {
  CreateDeviceInstanceRequest,
  type CreateDeviceInstanceResponse,
  DeviceCodeAttemptRequest,
  type DeviceCodeAttemptResponse,
  DeviceCodePollRequest,
  type DeviceCodePollResponse,
  DeviceInstanceStatusRequest,
  type DeviceInstanceStatusResponse,
  IdentityCmd,
  ListDeviceInstancesRequest,
  type ListDeviceInstancesResponse,
  ReleaseDeviceCodeAttemptRequest,
  type ReleaseDeviceCodeAttemptResponse,
  RevokeDeviceInstanceByOAuthGrantRequest,
  type RevokeDeviceInstanceByOAuthGrantResponse,
  RevokeDeviceInstanceRequest,
  type RevokeDeviceInstanceResponse,
} from '@carevault/contracts';
import { correlationIdOf } from '../correlation';
import { DeviceCodeLimitsService } from './device-code-limits.service';
import { DeviceInstancesService } from './device-instances.service';

@Controller()
export class DeviceInstancesHandlers {
  constructor(
    private readonly instances: DeviceInstancesService,
    private readonly limits: DeviceCodeLimitsService,
  ) {}

  @MessagePattern(IdentityCmd.CreateDeviceInstance)
  create(@Payload() dto: CreateDeviceInstanceRequest): Promise<CreateDeviceInstanceResponse> {
    return this.instances.create(dto);
  }

  @MessagePattern(IdentityCmd.RevokeDeviceInstance)
  revoke(@Payload() dto: RevokeDeviceInstanceRequest, @Ctx() ctx: NatsContext): Promise<RevokeDeviceInstanceResponse> {
    return this.instances.revoke(dto.personId, dto.instanceId, correlationIdOf(ctx));
  }

  @MessagePattern(IdentityCmd.RevokeDeviceInstanceByOAuthGrant)
  async revokeByOAuthGrant(@Payload() dto: RevokeDeviceInstanceByOAuthGrantRequest, @Ctx() ctx: NatsContext): Promise<RevokeDeviceInstanceByOAuthGrantResponse> {
    return { revoked: await this.instances.revokeByOAuthGrant(dto.oauthGrantId, correlationIdOf(ctx)) };
  }

  @MessagePattern(IdentityCmd.DeviceInstanceStatus)
  async status(@Payload() dto: DeviceInstanceStatusRequest): Promise<DeviceInstanceStatusResponse> {
    return { active: await this.instances.status(dto.instanceId, dto.touch ?? false) };
  }

  @MessagePattern(IdentityCmd.ListDeviceInstances)
  async list(@Payload() dto: ListDeviceInstancesRequest): Promise<ListDeviceInstancesResponse> {
    return { items: await this.instances.list(dto.personId, dto.recordIds), nextCursor: null };
  }

  @MessagePattern(IdentityCmd.DeviceCodeAttempt)
  attempt(@Payload() dto: DeviceCodeAttemptRequest): Promise<DeviceCodeAttemptResponse> {
    return this.limits.attempt(dto.personId, dto.clientAddress);
  }

  @MessagePattern(IdentityCmd.ReleaseDeviceCodeAttempt)
  async release(@Payload() dto: ReleaseDeviceCodeAttemptRequest): Promise<ReleaseDeviceCodeAttemptResponse> {
    return { released: await this.limits.release(dto.attemptId) };
  }

  @MessagePattern(IdentityCmd.DeviceCodePoll)
  poll(@Payload() dto: DeviceCodePollRequest): Promise<DeviceCodePollResponse> {
    return this.limits.poll(dto.codeHash, dto.intervalSeconds);
  }
}
