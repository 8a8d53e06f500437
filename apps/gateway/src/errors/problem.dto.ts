import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode, type FieldError, type HttpProblem, PROBLEM_CONTENT_TYPE } from '@carevault/contracts';
import { describeCode } from './problem';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'rules.0.mode', description: 'Dotted path of the field; array items by index.' })
  field: string;

  @ApiProperty({ example: 'mode must be one of online, offline' })
  message: string;
}

export class ProblemDto implements HttpProblem {
  @ApiProperty({ example: 'tag:carevault.dev,2026:problem:validation-failed' })
  type: string;

  @ApiProperty({ example: 'The request is not valid' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: 'The body is not valid.' })
  detail: string;

  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.VALIDATION_FAILED })
  code: ErrorCode;

  @ApiPropertyOptional({ type: () => [FieldErrorDto], description: 'VALIDATION_FAILED only.' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ format: 'uuid', description: 'INTERNAL only: quote it when reporting the failure.' })
  errorId?: string;
}

/** Documents the problem answers an operation can give, by code (RFC 9457 bodies, application/problem+json). */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = describeCode(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(ProblemDto, FieldErrorDto),
    ...[...byStatus].map(([status, list]) =>
      ApiResponse({
        status,
        description: list.map((c) => `\`${c}\``).join(', '),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
