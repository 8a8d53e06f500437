import { ErrorCode, type FieldError, type RpcErrorBody } from '@carevault/contracts';

/** A failure the caller can act on. Thrown by services; carried over NATS as an RpcErrorBody. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): RpcErrorBody {
    return { code: this.code, message: this.message, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

/** What a caller sees when a NATS request failed on the other side (or never got there). */
export class RpcError extends Error {
  constructor(readonly body: RpcErrorBody) {
    super(body.message);
    this.name = 'RpcError';
  }
  get code(): ErrorCode {
    return this.body.code;
  }
}

export const notFound = (what = 'not found') => new DomainError(ErrorCode.NOT_FOUND, what);
export const validationFailed = (errors: FieldError[], message = 'the request is not valid') =>
  new DomainError(ErrorCode.VALIDATION_FAILED, message, errors);
