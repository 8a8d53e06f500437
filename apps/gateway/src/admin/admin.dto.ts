import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import {
  APPLICATION_KINDS,
  AccessMode,
  type ApplicationKind,
  type ApplicationView,
  Permission,
  RegisterApplicationRequest,
  type RegisterApplicationResponse,
  ReplaceRulesRequest,
  RuleDto,
  type RuleSetView,
  type RotateSecretResponse,
} from '@carevault/contracts';

// Request bodies extend the contract classes: validation comes from there, only the OpenAPI description is added here.

export class RuleBody extends RuleDto {
  @ApiProperty({ example: 'read-vitals', maxLength: 100, description: 'Unique per application.' })
  override name: string;

  @ApiProperty({ example: 'Shows your blood pressure trend.', maxLength: 1000, description: 'Shown to the person on the consent page.' })
  override reason: string;

  @ApiProperty({ type: [String], example: ['Observation'], description: 'FHIR R4 resource type names.' })
  override dataTypes: string[];

  @ApiProperty({ enum: Permission, enumName: 'Permission', isArray: true, example: ['read'] })
  override permissions: Permission[];

  @ApiProperty({ enum: AccessMode, enumName: 'AccessMode', example: AccessMode.Online })
  override mode: AccessMode;

  @ApiProperty({ example: true, description: 'A required rule must be granted for the authorization to exist.' })
  override required: boolean;
}

export class RegisterApplicationBody extends RegisterApplicationRequest {
  @ApiProperty({ example: 'BP Tracker', maxLength: 200 })
  override name: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  override description?: string;

  @ApiProperty({ enum: APPLICATION_KINDS, example: 'web', description: 'A device app has no secret and offline rules only.' })
  override kind: ApplicationKind;

  @ApiProperty({ type: [String], example: ['https://bp.example/callback'], description: 'Exact-match OAuth redirect URIs.' })
  override redirectUris: string[];

  @ApiPropertyOptional({ example: 'https://bp.example/webhooks/carevault' })
  override webhookUrl?: string;

  @ApiProperty({ type: () => [RuleBody] })
  override rules: RuleDto[];
}

export class ReplaceRulesBody extends PickType(ReplaceRulesRequest, ['rules'] as const) {
  @ApiProperty({ type: () => [RuleBody] })
  override rules: RuleDto[];
}

export class ApplicationDto implements ApplicationView {
  @ApiProperty({ format: 'uuid' }) appId: string;
  @ApiProperty() clientId: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: APPLICATION_KINDS }) kind: ApplicationKind;
  @ApiProperty({ type: [String] }) redirectUris: string[];
  @ApiProperty({ type: String, nullable: true }) webhookUrl: string | null;
  @ApiProperty({ type: () => [RuleBody] }) rules: RuleBody[];
  @ApiProperty({ example: 1 }) ruleSetVersion: number;
  @ApiProperty() hasClientSecret: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RegisteredApplicationDto extends ApplicationDto implements RegisterApplicationResponse {
  @ApiPropertyOptional({ description: 'Web apps only. Shown once: store it now.' }) clientSecret?: string;
  @ApiPropertyOptional({ description: 'When webhookUrl is set (Standard Webhooks, whsec_...). Shown once.' }) webhookSecret?: string;
}

export class RuleSetDto implements RuleSetView {
  @ApiProperty({ format: 'uuid' }) appId: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ type: () => [RuleBody] }) rules: RuleBody[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RotatedSecretDto implements RotateSecretResponse {
  @ApiProperty({ format: 'uuid' }) appId: string;
  @ApiProperty() clientId: string;
  @ApiProperty({ description: 'Shown once; the old secret stops working at once.' }) clientSecret: string;
  @ApiProperty({ format: 'date-time' }) rotatedAt: string;
}
