/** Stable error codes of the public contract (API.md). Services throw them; the gateway maps them to HTTP. */
export enum ErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  ACCESS_DENIED = 'ACCESS_DENIED',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  DUPLICATE_CONNECT_REQUEST = 'DUPLICATE_CONNECT_REQUEST',
  CONNECT_REQUEST_ALREADY_AUTHORIZED = 'CONNECT_REQUEST_ALREADY_AUTHORIZED',
  VERSION_STAMP_MISMATCH = 'VERSION_STAMP_MISMATCH',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  PRECONDITION_REQUIRED = 'PRECONDITION_REQUIRED',
  RETRY_LIMIT_EXCEEDED = 'RETRY_LIMIT_EXCEEDED',
  RATE_LIMITED = 'RATE_LIMITED',
  UNAVAILABLE = 'UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

/** One field-level problem, as returned in `errors` of a VALIDATION_FAILED answer. */
export interface FieldError {
  field: string;
  message: string;
}

/** The error body carried over NATS from a service to the gateway. */
export interface RpcErrorBody {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
  errorId?: string;
}

export function isRpcErrorBody(value: unknown): value is RpcErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RpcErrorBody).code === 'string' &&
    (Object.values(ErrorCode) as string[]).includes((value as RpcErrorBody).code)
  );
}
