import type { DataSource, EntityManager } from 'typeorm';

type PgError = { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };

/** PostgreSQL unique violation on the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = (err ?? {}) as PgError;
  return (e.driverError?.code ?? e.code) === '23505' && (e.driverError?.constraint ?? e.constraint) === constraint;
}

/** Rows of any statement: TypeORM answers UPDATE/DELETE … RETURNING with `[rows, affected]`, everything else with `rows`. */
export async function rowsOf<T>(db: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

export const T = {
  requests: '"connect_request"."requests"',
  tickets: '"connect_request"."tickets"',
  pickups: '"connect_request"."pickups"',
  rateLimits: '"connect_request"."rate_limits"',
} as const;
