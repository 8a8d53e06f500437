import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_OUTCOMES, type AuditEntryKind, type AuditEntryView, type AuditOutcome } from '@carevault/contracts';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

class AuditPageQuery {
  @ApiPropertyOptional({ description: 'Opaque: the previous page’s `nextCursor`.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** Query of `GET /api/v1/admin/audit`. */
export class AuditQuery extends AuditPageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  appId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES, description: 'allowed/denied: data access decisions; success/failure: other actions.' })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ format: 'date-time', description: 'occurredAt ≥ from' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'occurredAt < to' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/** Query of `GET /api/v1/admin/audit/export`. */
export class AuditExportQuery extends AuditPageQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  recordId: string;
}

/** Query of `GET /api/v1/admin/audit/verify`. */
export class AuditVerifyQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'One record’s chain; without it, every chain (large trails: `npm run audit:verify`).' })
  @IsOptional()
  @IsUUID()
  recordId?: string;
}

export class AuditEntryDto implements AuditEntryView {
  @ApiProperty({ description: 'Position in its chain (the record’s, or `platform`).' }) seq: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ enum: ['data-access', 'recorded'] }) kind: AuditEntryKind;
  @ApiProperty({ example: 'data', description: '`data` for a data access; else auth, grant, token, connect, operator, audit-read, device.' }) category: string;
  @ApiProperty({ example: 'create', description: 'The permission of a data access, or the action (sign-in, grant-revoked, ...).' }) action: string;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome: AuditOutcome;
  @ApiProperty({ type: String, nullable: true, example: 'not-permitted' }) reason: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) recordId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) appId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) instanceId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) personId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'MedicationStatement' }) dataType: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) itemId: string | null;
  @ApiProperty({ type: Number, nullable: true }) itemCount: number | null;
  @ApiProperty({ type: String, nullable: true }) permission: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['online', 'offline'] }) mode: string | null;
  @ApiProperty({ type: String, nullable: true }) correlationId: string | null;
  @ApiProperty({ type: String, nullable: true }) clientAddress: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: { type: 'string' } }) details: Record<string, string> | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class AuditEntryListDto {
  @ApiProperty({ type: () => [AuditEntryDto] }) items: AuditEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class AuditVerifyDto {
  @ApiProperty({ description: 'false names the first broken entry (chainKey, seq, eventId, expected and found hash, problem).' }) ok: boolean;
  @ApiProperty() entries: number;
  @ApiProperty() chains: number;
  @ApiPropertyOptional({ description: 'The chain: a record id or `platform`.' }) chainKey?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) seq?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) eventId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) expected?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) found?: string | null;
  @ApiPropertyOptional() problem?: string;
}
