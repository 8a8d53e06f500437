import { type ArgumentMetadata, Injectable, type PipeTransform, ValidationPipe } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import { flattenValidationErrors } from '@carevault/platform';
import { ProblemException } from '../errors/problem.exception';

/** Deeper than any body of the public API; stops class-transformer from recursing into a crafted 1 MiB nest. */
export const MAX_BODY_DEPTH = 16;

export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const invalid = (detail: string, message: string) =>
  new ProblemException(ErrorCode.VALIDATION_FAILED, detail, [{ field: 'body', message }]);

/**
 * Validates a JSON body against its class (the contracts' class-validator rules): unknown fields are
 * refused, every problem names its field (`rules.0.mode`). Anything but a JSON object is a 400, never a 500.
 */
@Injectable()
export class JsonBodyPipe implements PipeTransform {
  private readonly validation = new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ProblemException(ErrorCode.VALIDATION_FAILED, 'The body is not valid.', flattenValidationErrors(errors)),
  });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid('The body must be a JSON object.', 'body must be a JSON object');
    }
    if (nestingDepth(value, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      throw invalid('The body nests too deeply.', `body must not nest deeper than ${MAX_BODY_DEPTH} levels`);
    }
    return this.validation.transform(value, metadata);
  }
}
