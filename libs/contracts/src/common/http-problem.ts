import type { ErrorCode, FieldError } from './errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem details body, as the gateway answers every failed HTTP request (OAuth endpoints aside). */
export interface HttpProblem {
  /** A URI naming the kind of problem; stable per `code`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  /** Field-level problems of a VALIDATION_FAILED answer. */
  errors?: FieldError[];
  /** Logged with the cause; the only detail an INTERNAL answer carries. */
  errorId?: string;
}

/** `tag:` URIs name problem types without promising a page behind them (RFC 9457 §3.1.1). */
export function problemType(code: ErrorCode): string {
  return `tag:carevault.dev,2026:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}
