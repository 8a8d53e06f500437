import {
  ConsentCmd,
  DecideRequest,
  type DecideResponse,
  EffectivePermissionsRequest,
  type EffectivePermissionsResponse,
} from '@carevault/contracts';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GrantsService } from '../grants/grants.service';
import { decide, effectivePermissions, emptyPermissionSet } from './permissions';

/** The access decision: (app, record, mode, data type, permission) → allow | deny + reason. */
@Controller()
export class DecisionsHandlers {
  constructor(private readonly grants: GrantsService) {}

  @MessagePattern(ConsentCmd.Decide)
  async decide(@Payload() req: DecideRequest): Promise<DecideResponse> {
    const grant = await this.grants.findActive(req.appId, req.recordId);
    return decide(grant, req.mode, req.dataType, req.permission);
  }

  @MessagePattern(ConsentCmd.EffectivePermissions)
  async effective(@Payload() req: EffectivePermissionsRequest): Promise<EffectivePermissionsResponse> {
    const grant = await this.grants.findActive(req.appId, req.recordId);
    if (!grant) return { grant: null, online: emptyPermissionSet(), offline: emptyPermissionSet() };
    return { grant: { grantId: grant.id, version: grant.version, personId: grant.personId }, ...effectivePermissions(grant.rules) };
  }
}
