import { ApiProperty, ApiPropertyOptional, OmitType, PickType } from '@nestjs/swagger';
import {
  type AuthorizedConnectRequest,
  type AuthorizedConnectRequestList,
  CONNECT_REQUEST_LIMITS,
  ChangeExternalIdRequest,
  type ChangeExternalIdResponse,
  CreateConnectRequestRequest,
  type CreateConnectRequestResponse,
  type DeleteConnectRequestResponse,
} from '@carevault/contracts';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

// Request bodies extend the contract classes (validation comes from there); the application id comes
// from the token, never from the body. Only the OpenAPI description is added here.

export class CreateConnectRequestBody extends OmitType(CreateConnectRequestRequest, ['appId'] as const) {
  @ApiProperty({ example: 'patient-4711', maxLength: CONNECT_REQUEST_LIMITS.externalId, description: "Your own id for the person (e.g. your patient number); one pending request per external id." })
  override externalId: string;

  @ApiProperty({ example: "Dr. Lee's clinic: Sam's record", maxLength: CONNECT_REQUEST_LIMITS.friendlyName, description: 'Shown to the person once they answered the question.' })
  override friendlyName: string;

  @ApiProperty({ example: 'What is the name of your first pet?', maxLength: CONNECT_REQUEST_LIMITS.question, description: 'Asked before anything else is shown.' })
  override question: string;

  @ApiProperty({ example: 'Rex', maxLength: CONNECT_REQUEST_LIMITS.answer, description: 'Kept only as a hash; compared ignoring case and extra spaces.' })
  override answer: string;
}

export class ChangeExternalIdBody extends PickType(ChangeExternalIdRequest, ['newExternalId'] as const) {
  @ApiProperty({ example: 'patient-4712', maxLength: CONNECT_REQUEST_LIMITS.externalId })
  override newExternalId: string;
}

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class ListAuthorizedQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous answer; absent: from the first pickup (of the last 90 days)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class CreatedConnectRequestDto implements CreateConnectRequestResponse {
  @ApiProperty({ example: 'patient-4711' }) externalId: string;
  @ApiProperty({ example: 'K7QM-3XHP-ZR9C-TWD4-N8FB', description: 'Shown once: only its hash is kept. Give it to the person.' }) pickupCode: string;
  @ApiProperty({ example: 'https://carevault.example/connect?code=K7QM-3XHP-ZR9C-TWD4-N8FB', description: 'Contains the code: shown once too.' }) pickupUrl: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class AuthorizedConnectRequestDto implements AuthorizedConnectRequest {
  @ApiProperty({ example: 'patient-4711', description: 'The current external id (after any PATCH).' }) externalId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ format: 'uuid' }) recordId: string;
  @ApiProperty({ format: 'uuid' }) grantId: string;
  @ApiProperty({ format: 'date-time' }) authorizedAt: string;
}

export class AuthorizedConnectRequestListDto implements AuthorizedConnectRequestList {
  @ApiProperty({ type: () => [AuthorizedConnectRequestDto], description: 'Pickups, oldest first.' }) items: AuthorizedConnectRequestDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Keep it and send it as `since` next time; null only before the first pickup.' }) nextCursor: string | null;
  @ApiProperty({ description: 'More pickups are waiting: ask again at once.' }) hasMore: boolean;
}

export class DeletedConnectRequestDto implements DeleteConnectRequestResponse {
  @ApiProperty({ example: 'patient-4711' }) externalId: string;
  @ApiProperty({ example: 1, description: 'How many not yet picked-up requests were deleted.' }) deleted: number;
}

export class ChangedExternalIdDto implements ChangeExternalIdResponse {
  @ApiProperty({ example: 'patient-4712' }) externalId: string;
  @ApiProperty({ example: 'patient-4711' }) previousExternalId: string;
  @ApiProperty({ example: 1, description: 'How many requests (pending or picked up) were renamed.' }) updated: number;
}
