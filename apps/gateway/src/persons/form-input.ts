import { ErrorCode } from '@carevault/contracts';
import { RpcError } from '@carevault/platform';
import type { FormError } from '../web/forms';

/** One field of a urlencoded body as a string: repeated or missing fields read as ''. */
export function formField(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

export interface FormFailure {
  status: number;
  error: FormError;
}

const PLAIN: Partial<Record<ErrorCode, { status: number; message: string }>> = {
  [ErrorCode.RATE_LIMITED]: { status: 429, message: 'Too many attempts. Wait a few minutes and try again.' },
  [ErrorCode.RETRY_LIMIT_EXCEEDED]: { status: 429, message: 'Too many attempts. Wait a few minutes and try again.' },
  [ErrorCode.UNAVAILABLE]: { status: 503, message: 'Carevault cannot complete this right now. Please try again in a moment.' },
};

/**
 * What to tell the person when identity refused a form: the messages of a VALIDATION_FAILED answer,
 * or a plain sentence for the codes a form expects (`expected`). Anything else is rethrown for the error page.
 */
export function formFailure(err: unknown, expected: Partial<Record<ErrorCode, string>> = {}): FormFailure {
  if (!(err instanceof RpcError)) throw err;
  const { code, errors } = err.body;
  if (code === ErrorCode.VALIDATION_FAILED) {
    const list = errors ?? [];
    return {
      status: 400,
      error: { message: 'Please correct the following and send the form again.', details: list.map((e) => e.message), fields: list.map((e) => e.field) },
    };
  }
  const known = expected[code];
  if (known) return { status: code === ErrorCode.CONFLICT ? 409 : 400, error: { message: known, details: [], fields: [] } };
  const plain = PLAIN[code];
  if (plain) return { status: plain.status, error: { message: plain.message, details: [], fields: [] } };
  throw err;
}
