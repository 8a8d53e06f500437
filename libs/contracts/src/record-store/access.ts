// class-transformer's @Type reads design metadata: make the contract classes loadable on their own.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { FHIR_R4_RESOURCE_TYPES } from '../common/fhir';
import { ACCESS_MODES, AccessMode, PERMISSIONS, Permission } from '../identity/rules';

/**
 * The data types an application may use per permission on this record in this mode, as the gateway
 * computed them from the consent service's grant. All four empty: a grant without a matching rule.
 */
export class DataTypePermissions {
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  create: string[];

  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  read: string[];

  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  update: string[];

  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  delete: string[];
}

/** Who is asking, on which record, through which app and mode: enough to write an audit row. */
export class AccessIdentity {
  @IsUUID()
  recordId: string;

  @IsUUID()
  appId: string;

  /** The signed-in person (online access); null for offline access. */
  @IsOptional()
  @IsUUID()
  personId: string | null;

  /** The device instance (SODA), if the caller is one. */
  @IsOptional()
  @IsUUID()
  instanceId: string | null;

  @IsIn(ACCESS_MODES, { message: `mode must be one of ${ACCESS_MODES.join(', ')}` })
  mode: AccessMode;

  @IsString()
  @MaxLength(200)
  correlationId: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  clientAddress?: string;
}

/** Carried by every data request: the caller and what it may do. The record-store enforces it per item. */
export class AccessContext extends AccessIdentity {
  @IsDefined()
  @ValidateNested()
  @Type(() => DataTypePermissions)
  permissions: DataTypePermissions;
}

/**
 * Audits an attempt the gateway refused before reaching an item (e.g. no grant at all, which it answers
 * with 404): the record-store only writes the denial audit row. `reason` is a short kebab-case word.
 */
export class RecordDeniedRequest {
  @IsDefined()
  @ValidateNested()
  @Type(() => AccessIdentity)
  access: AccessIdentity;

  @IsIn(PERMISSIONS, { message: `permission must be one of ${PERMISSIONS.join(', ')}` })
  permission: Permission;

  @IsOptional()
  @IsIn(FHIR_R4_RESOURCE_TYPES, { message: 'dataType must be a FHIR R4 resource type' })
  dataType?: string | null;

  @IsOptional()
  @IsUUID()
  itemId?: string | null;

  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'reason must be a short kebab-case word, e.g. no-grant' })
  reason: string;
}

export interface RecordDeniedResponse {
  /** The audit event's id (the outbox row's event_id). */
  eventId: string;
}
