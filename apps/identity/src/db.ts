type PgError = { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };

function pgError(err: unknown): { code?: string; constraint?: string } {
  const e = (err ?? {}) as PgError;
  return { code: e.driverError?.code ?? e.code, constraint: e.driverError?.constraint ?? e.constraint };
}

/** PostgreSQL unique violation on the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = pgError(err);
  return e.code === '23505' && e.constraint === constraint;
}

/** TypeORM's `query()` answers UPDATE/DELETE ... RETURNING with `[rows, affected]` and everything else with `rows`. */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
