import { HttpException } from '@nestjs/common';
import { ErrorCode } from '@carevault/contracts';
import { RpcError } from '@carevault/platform';
import { randomUUID } from 'node:crypto';
import type { ProblemInput } from './problem';
import { ProblemException } from './problem.exception';

export interface Classified extends ProblemInput {
  /** Set for failures nobody planned for: logged with the stack under `errorId`. */
  unexpected?: boolean;
}

/** Turns anything thrown while handling a request into a problem's code, detail and field errors. */
export function classify(exception: unknown): Classified {
  if (exception instanceof ProblemException) {
    return { code: exception.code, detail: exception.message, errors: exception.errors };
  }
  if (exception instanceof RpcError) {
    const { code, message, errors, errorId } = exception.body;
    if (code === ErrorCode.INTERNAL) return { code, errorId: errorId ?? randomUUID(), unexpected: !errorId };
    if (code === ErrorCode.UNAVAILABLE) return { code };
    return { code, detail: message, errors };
  }
  if (exception instanceof HttpException) return fromHttpStatus(exception.getStatus(), causeCode(exception));
  return { code: ErrorCode.INTERNAL, errorId: randomUUID(), unexpected: true };
}

function causeCode(e: HttpException): string | undefined {
  const cause = e.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** HttpExceptions come from Nest (unknown route) and from Fastify's body handling (mapped by the adapter). */
function fromHttpStatus(status: number, fastifyCode: string | undefined): Classified {
  switch (status) {
    case 400:
      return { code: ErrorCode.VALIDATION_FAILED, detail: badRequestDetail(fastifyCode) };
    case 401:
      return { code: ErrorCode.UNAUTHENTICATED };
    case 403:
      return { code: ErrorCode.ACCESS_DENIED };
    case 404:
    case 405:
      return { code: ErrorCode.NOT_FOUND, detail: 'There is nothing at this address.' };
    case 409:
      return { code: ErrorCode.CONFLICT };
    case 412:
      return { code: ErrorCode.VERSION_STAMP_MISMATCH };
    case 413:
      return { code: ErrorCode.PAYLOAD_TOO_LARGE, detail: 'The body is larger than the 1 MiB this endpoint accepts.' };
    case 415:
      return { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, detail: 'Send application/json (or a form, for the web pages).' };
    case 428:
      return { code: ErrorCode.PRECONDITION_REQUIRED };
    case 429:
      return { code: ErrorCode.RATE_LIMITED };
    case 503:
      return { code: ErrorCode.UNAVAILABLE };
    default:
      if (status >= 400 && status < 500) return { code: ErrorCode.VALIDATION_FAILED, detail: 'The request is not valid.' };
      return { code: ErrorCode.INTERNAL, errorId: randomUUID(), unexpected: true };
  }
}

function badRequestDetail(fastifyCode: string | undefined): string {
  switch (fastifyCode) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty but the content type says JSON.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The body is not well-formed JSON.';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The Content-Length header does not match the body.';
    case undefined:
      return 'The request is not valid.';
    default:
      return 'The body could not be read.';
  }
}
