// class-transformer's @Type reads design metadata: make the contract classes loadable on their own.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { type Rule, RuleDto } from './rules';

export const APPLICATION_KINDS = ['web', 'device'] as const;
/** web: a confidential client with a secret and redirect URIs; device: a native app (no secret, offline rules only). */
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

/**
 * Register an application (operator API). Besides the shape checked here, the receiver checks:
 * rule names unique, data types are FHIR R4 resource types, no duplicate permissions or data types,
 * a device app has offline rules only, a web app has at least one redirect URI, redirect URIs are
 * absolute https URLs (http only for localhost/127.0.0.1) without fragment, webhookUrl is http(s)
 * without credentials. Each problem names its field, e.g. `rules.1.dataTypes.0`, `redirectUris.0`.
 */
export class RegisterApplicationRequest {
  @IsString()
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @IsIn(APPLICATION_KINDS, { message: `kind must be one of ${APPLICATION_KINDS.join(', ')}` })
  kind: ApplicationKind;

  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  redirectUris: string[];

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  webhookUrl?: string;

  @IsArray()
  @ArrayNotEmpty({ message: 'rules must contain at least one rule' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RuleDto)
  rules: RuleDto[];
}

/** An application without its secrets. */
export interface ApplicationView {
  appId: string;
  clientId: string;
  name: string;
  description: string | null;
  kind: ApplicationKind;
  redirectUris: string[];
  webhookUrl: string | null;
  rules: Rule[];
  ruleSetVersion: number;
  hasClientSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The registration answer: the only time `clientSecret` (web apps) and `webhookSecret` (when webhookUrl is set) are shown. */
export interface RegisterApplicationResponse extends ApplicationView {
  clientSecret?: string;
  webhookSecret?: string;
}

export class AppIdRequest {
  @IsUUID()
  appId: string;
}

/** NOT_FOUND when there is no such application. */
export class GetApplicationRequest extends AppIdRequest {}
export type GetApplicationResponse = ApplicationView;

/** A new rule-set version (the old ones stay readable); same checks as at registration. */
export class ReplaceRulesRequest extends AppIdRequest {
  @IsArray()
  @ArrayNotEmpty({ message: 'rules must contain at least one rule' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RuleDto)
  rules: RuleDto[];
}

export interface RuleSetView {
  appId: string;
  version: number;
  rules: Rule[];
  createdAt: string;
}

export type ReplaceRulesResponse = RuleSetView;

/** A new client secret, shown once; the old one stops verifying at once. CONFLICT for a device app (it has none). */
export class RotateSecretRequest extends AppIdRequest {}

export interface RotateSecretResponse {
  appId: string;
  clientId: string;
  clientSecret: string;
  rotatedAt: string;
}

export class GetApplicationByClientIdRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  clientId: string;
}

export type GetApplicationByClientIdResponse = ApplicationView;

export class VerifyClientSecretRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  clientId: string;

  @IsString()
  @MaxLength(500)
  clientSecret: string;
}

/** `valid: false` for an unknown client, a device app or a wrong secret alike; `appId` only when valid. */
export interface VerifyClientSecretResponse {
  valid: boolean;
  appId: string | null;
}

/** The current rule set, or the given version. NOT_FOUND when either is missing. */
export class GetRuleSetRequest extends AppIdRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export type GetRuleSetResponse = RuleSetView;

/** For partner-push: where to deliver and the Standard Webhooks secret (`whsec_...`) to sign with. Never log it. */
export class GetWebhookConfigRequest extends AppIdRequest {}

export interface GetWebhookConfigResponse {
  appId: string;
  webhookUrl: string | null;
  webhookSecret: string | null;
}
