import { ErrorCode } from '@carevault/contracts';
import { DomainError } from '@carevault/platform';
import type { Keyset } from '../ledger/ledger.repository';

/** Opaque to callers: base64url of [occurredAt, seq] of the last entry of a page. */
export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify([k.occurredAt, k.seq])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | null {
  if (!cursor) return null;
  try {
    const [occurredAt, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if (typeof occurredAt === 'string' && !Number.isNaN(Date.parse(occurredAt)) && typeof seq === 'string' && /^\d{1,19}$/.test(seq)) {
      return { occurredAt, seq };
    }
  } catch {
    // fall through
  }
  throw new DomainError(ErrorCode.VALIDATION_FAILED, 'cursor is not valid', [{ field: 'cursor', message: 'cursor is not valid' }]);
}
