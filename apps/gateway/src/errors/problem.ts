import { ErrorCode, type FieldError, type HttpProblem, problemType } from '@carevault/contracts';

/** The one mapping from the public error codes to HTTP: status and a short, stable title. */
export function describeCode(code: ErrorCode): { status: number; title: string } {
  switch (code) {
    case ErrorCode.VALIDATION_FAILED:
      return { status: 400, title: 'The request is not valid' };
    case ErrorCode.UNAUTHENTICATED:
      return { status: 401, title: 'Authentication is required' };
    case ErrorCode.ACCESS_DENIED:
      return { status: 403, title: 'Access denied' };
    case ErrorCode.NOT_FOUND:
      return { status: 404, title: 'Not found' };
    case ErrorCode.CONFLICT:
      return { status: 409, title: 'Conflict' };
    case ErrorCode.DUPLICATE_CONNECT_REQUEST:
      return { status: 409, title: 'A connect request with this external id is pending' };
    case ErrorCode.CONNECT_REQUEST_ALREADY_AUTHORIZED:
      return { status: 409, title: 'The connect request is already authorized' };
    case ErrorCode.VERSION_STAMP_MISMATCH:
      return { status: 412, title: 'The item has changed' };
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return { status: 413, title: 'The body is too large' };
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return { status: 415, title: 'Unsupported media type' };
    case ErrorCode.PRECONDITION_REQUIRED:
      return { status: 428, title: 'A precondition is required' };
    case ErrorCode.RETRY_LIMIT_EXCEEDED:
      return { status: 429, title: 'Too many attempts' };
    case ErrorCode.RATE_LIMITED:
      return { status: 429, title: 'Too many requests' };
    case ErrorCode.UNAVAILABLE:
      return { status: 503, title: 'Service unavailable' };
    case ErrorCode.INTERNAL:
      return { status: 500, title: 'Internal error' };
    default:
      return unreachable(code);
  }
}

function unreachable(code: never): never {
  throw new Error(`no HTTP mapping for error code ${String(code)}`);
}

export function statusOf(code: ErrorCode): number {
  return describeCode(code).status;
}

export interface ProblemInput {
  code: ErrorCode;
  detail?: string;
  errors?: FieldError[];
  errorId?: string;
}

const GENERIC_DETAIL: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.INTERNAL]: 'Something went wrong on our side. Quote the errorId when you report it.',
  [ErrorCode.UNAVAILABLE]: 'A service this request needs is not available right now. Try again shortly.',
};

/** Builds the body; INTERNAL answers never carry more than their error id. */
export function toProblem(input: ProblemInput): HttpProblem {
  const { status, title } = describeCode(input.code);
  const problem: HttpProblem = {
    type: problemType(input.code),
    title,
    status,
    detail: (input.code === ErrorCode.INTERNAL ? undefined : input.detail) ?? GENERIC_DETAIL[input.code] ?? title,
    code: input.code,
  };
  if (input.code === ErrorCode.INTERNAL) {
    if (input.errorId) problem.errorId = input.errorId;
    return problem;
  }
  if (input.errors?.length) problem.errors = input.errors.map((e) => ({ field: String(e.field), message: String(e.message) }));
  return problem;
}
