import type { ErrorCode, FieldError } from '@carevault/contracts';

/** A failure the gateway itself decides on (bad body, missing token, ...); answered as a problem with this code. */
export class ProblemException extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'ProblemException';
  }
}
