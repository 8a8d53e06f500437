import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Min } from 'class-validator';
import { ACCESS_MODES, type AccessMode, PERMISSIONS, type Permission } from '../identity/rules';

export type AccessOutcome = 'allowed' | 'denied';
export const ACCESS_OUTCOMES: readonly AccessOutcome[] = ['allowed', 'denied'];

/** Why an access was allowed or denied. Services may send others (kebab-case); these are the record-store's. */
export const AccessReason = {
  /** The grant's rules allow this permission on this data type. */
  Permitted: 'permitted',
  /** The app has a grant on the record, but no rule gives it this permission on this data type. */
  NotPermitted: 'not-permitted',
  /** No such item in this record (or deleted). The data type is left out: it may belong to another record. */
  NotFound: 'not-found',
  /** The gateway found no active grant for the app on the record (answered as 404). */
  NoGrant: 'no-grant',
} as const;

/**
 * `data` of `audit.evt.data-accessed.v1`: one access (allowed or denied) by an application to a record.
 * Never carries resource content or secrets. A list call is one event: `dataTypes` are the types it
 * queried and `itemCount` how many items it returned; `dataType`/`itemId` then are null unless single.
 */
export class DataAccessedEvent {
  @IsUUID()
  recordId: string;

  @IsUUID()
  appId: string;

  @IsOptional()
  @IsUUID()
  personId: string | null;

  @IsOptional()
  @IsUUID()
  instanceId: string | null;

  @IsIn(ACCESS_MODES)
  mode: AccessMode;

  @IsOptional()
  @IsString()
  dataType: string | null;

  @IsOptional()
  @IsString({ each: true })
  dataTypes?: string[];

  @IsOptional()
  @IsUUID()
  itemId: string | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  itemCount?: number;

  @IsIn(PERMISSIONS)
  permission: Permission;

  @IsIn(ACCESS_OUTCOMES)
  outcome: AccessOutcome;

  @IsString()
  reason: string;

  @IsISO8601()
  at: string;

  @IsOptional()
  @IsString()
  correlationId: string | null;

  @IsOptional()
  @IsString()
  clientAddress: string | null;
}
