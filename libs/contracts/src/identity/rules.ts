import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsString, Matches, MaxLength } from 'class-validator';

/** What a rule lets an application do with items of its data types. */
export enum Permission {
  Create = 'create',
  Read = 'read',
  Update = 'update',
  Delete = 'delete',
}

/** online: while the person is signed in to the app; offline: the app on its own, the person absent. */
export enum AccessMode {
  Online = 'online',
  Offline = 'offline',
}

export const PERMISSIONS: readonly Permission[] = Object.values(Permission);
export const ACCESS_MODES: readonly AccessMode[] = Object.values(AccessMode);

/** One access rule of an application (see ARCHITECTURE.md). */
export interface Rule {
  name: string;
  reason: string;
  /** FHIR R4 resource type names, e.g. `Observation`. */
  dataTypes: string[];
  permissions: Permission[];
  mode: AccessMode;
  required: boolean;
}

/**
 * The shape of a rule. The receiver also checks what a decorator cannot name by index: data types are
 * FHIR R4 resource types (`rules.1.dataTypes.0`), no duplicate permissions or data types, rule names
 * unique per application, a device application has offline rules only.
 */
export class RuleDto implements Rule {
  @IsString()
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(100)
  name: string;

  @IsString()
  @Matches(/\S/, { message: 'reason must not be empty' })
  @MaxLength(1000)
  reason: string;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  dataTypes: string[];

  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(4)
  @IsIn(PERMISSIONS, { each: true, message: `each value in permissions must be one of ${PERMISSIONS.join(', ')}` })
  permissions: Permission[];

  @IsIn(ACCESS_MODES, { message: `mode must be one of ${ACCESS_MODES.join(', ')}` })
  mode: AccessMode;

  @IsBoolean()
  required: boolean;
}
