import type { AccessContext, Permission } from '@carevault/contracts';

/** Whether the access context lets the app use `permission` on items of `dataType`. */
export function may(access: AccessContext, permission: Permission, dataType: string): boolean {
  return access.permissions[permission].includes(dataType);
}

export type ListableTypes = { types: string[] } | { denied: string[] };

/**
 * The data types a list call may return: the requested ones when the app may read them all (else the
 * ones it may not), or, when none are requested, every type it may read (none: an empty denial).
 */
export function listableTypes(access: AccessContext, requested: string[] | undefined): ListableTypes {
  const readable = access.permissions.read;
  if (!requested || requested.length === 0) return readable.length > 0 ? { types: [...new Set(readable)] } : { denied: [] };
  const wanted = [...new Set(requested)];
  const denied = wanted.filter((t) => !readable.includes(t));
  return denied.length > 0 ? { denied } : { types: wanted };
}
