import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { FHIR_R4_RESOURCE_TYPES, LIST_LIMIT_MAX } from '@carevault/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';

const toArray = ({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** Query of `GET .../versions` and `GET /api/v1/me/grants`. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: LIST_LIMIT_MAX })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(LIST_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** Query of `GET /api/v1/records/{recordId}/items`. */
export class ListItemsQuery extends PageQuery {
  @ApiPropertyOptional({ type: [String], description: 'FHIR resource type; repeat for several' })
  @IsOptional()
  @Transform(toArray)
  @IsArray()
  @ArrayMaxSize(200)
  @IsIn(FHIR_R4_RESOURCE_TYPES, { each: true, message: 'each value in type must be a FHIR R4 resource type' })
  type?: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveTo?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;
}

/** `"abc"` or `W/"abc"` or `abc` → `abc`; undefined when absent. */
export function versionStampOf(ifMatch: string | undefined): string | undefined {
  if (ifMatch === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?([^"]*)"?\s*$/.exec(ifMatch);
  return m?.[1] || undefined;
}
