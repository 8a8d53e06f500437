import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min } from 'class-validator';
import type { AccessMode, Rule } from '../identity/rules';

export const GRANT_SOURCES = ['web', 'connect', 'device'] as const;
/** How the person authorized: the web consent flow, Patient Connect, or a device instance. */
export type GrantSource = (typeof GRANT_SOURCES)[number];
export type GrantState = 'active' | 'revoked';

export interface GrantView {
  grantId: string;
  appId: string;
  recordId: string;
  personId: string;
  rules: Rule[];
  ruleSetVersion: number;
  /** Monotonic per grant: consumers apply "latest version wins". */
  version: number;
  state: GrantState;
  source: GrantSource;
  /** The modes the granted rules cover. */
  modes: AccessMode[];
  createdAt: string;
  updatedAt: string;
  revokedAt: string | null;
}

/**
 * Creates the grant for (app, record), or replaces the rules of the active one (re-authorization).
 * The grant holds every required rule of the rule-set version plus the optional rules the person
 * ticked (`optionalRules`, by name); consent reads the rule set from identity, so callers cannot
 * grant a rule the application never asked for.
 */
export class UpsertGrantRequest {
  @IsUUID()
  appId: string;

  @IsUUID()
  recordId: string;

  @IsUUID()
  personId: string;

  @IsInt()
  @Min(1)
  ruleSetVersion: number;

  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  optionalRules: string[];

  @IsIn(GRANT_SOURCES)
  source: GrantSource;
}

export interface UpsertGrantResponse {
  grant: GrantView;
  /** created: a new grant; updated: rules changed; unchanged: same rules again. */
  outcome: 'created' | 'updated' | 'unchanged';
}

/** Revokes a grant. The person must be a custodian of its record (checked with identity). */
export class RevokeGrantRequest {
  @IsUUID()
  grantId: string;

  @IsUUID()
  personId: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export type RevokeGrantResponse = GrantView;

/** Revokes every active grant on a record that `personId` made (they stopped being its custodian). */
export class RevokeRecordGrantsRequest {
  @IsUUID()
  recordId: string;

  @IsUUID()
  personId: string;
}

export interface RevokeRecordGrantsResponse {
  revoked: number;
}

export class GetGrantRequest {
  @IsUUID()
  grantId: string;
}

export class FindActiveGrantRequest {
  @IsUUID()
  appId: string;

  @IsUUID()
  recordId: string;
}

export interface FindActiveGrantResponse {
  grant: GrantView | null;
}

export class ListAppGrantsRequest {
  @IsUUID()
  appId: string;

  @IsOptional()
  @IsIn(['active', 'revoked'])
  state?: GrantState;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  limit?: number;
}

export interface GrantList {
  items: GrantView[];
  nextCursor: string | null;
}

/** Active grants on these records (the person's /apps page). */
export class ListRecordGrantsRequest {
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  recordIds: string[];
}

