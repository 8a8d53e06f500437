import { IsIn, IsString, IsUUID, Matches } from 'class-validator';
import { ACCESS_MODES, type AccessMode, PERMISSIONS, type Permission } from '../identity/rules';

/** Data types allowed per permission. */
export type PermissionSet = Record<Permission, string[]>;

export class DecideRequest {
  @IsUUID()
  appId: string;

  @IsUUID()
  recordId: string;

  @IsIn(ACCESS_MODES)
  mode: AccessMode;

  @IsString()
  @Matches(/^[A-Z][A-Za-z]+$/, { message: 'dataType must be a FHIR resource type name' })
  dataType: string;

  @IsIn(PERMISSIONS)
  permission: Permission;
}

export type DenyReason = 'no-grant' | 'no-rule';

export interface DecideResponse {
  allow: boolean;
  reason: 'granted' | DenyReason;
  grantId: string | null;
}

export class EffectivePermissionsRequest {
  @IsUUID()
  appId: string;

  @IsUUID()
  recordId: string;
}

/**
 * What the app may do on the record, per mode. Online tokens may use online and offline rules;
 * offline access only offline rules. `grant: null` when the app holds no active grant.
 */
export interface EffectivePermissionsResponse {
  grant: { grantId: string; version: number; personId: string } | null;
  online: PermissionSet;
  offline: PermissionSet;
}
