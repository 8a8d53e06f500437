import { AccessMode, type DecideResponse, type EffectivePermissionsResponse, Permission, type PermissionSet, type Rule } from '@carevault/contracts';

export function emptyPermissionSet(): PermissionSet {
  return { [Permission.Create]: [], [Permission.Read]: [], [Permission.Update]: [], [Permission.Delete]: [] };
}

function union(rules: Rule[]): PermissionSet {
  const sets: Record<Permission, Set<string>> = {
    [Permission.Create]: new Set(),
    [Permission.Read]: new Set(),
    [Permission.Update]: new Set(),
    [Permission.Delete]: new Set(),
  };
  for (const rule of rules) for (const p of rule.permissions) for (const t of rule.dataTypes) sets[p].add(t);
  const out = emptyPermissionSet();
  for (const p of Object.keys(sets) as Permission[]) out[p] = [...sets[p]].sort();
  return out;
}

/** Online access may use online and offline rules; offline access only offline rules. */
export function effectivePermissions(rules: Rule[]): Pick<EffectivePermissionsResponse, 'online' | 'offline'> {
  return {
    online: union(rules),
    offline: union(rules.filter((r) => r.mode === AccessMode.Offline)),
  };
}

export function decide(
  grant: { id: string; rules: Rule[] } | null,
  mode: AccessMode,
  dataType: string,
  permission: Permission,
): DecideResponse {
  if (!grant) return { allow: false, reason: 'no-grant', grantId: null };
  const perms = effectivePermissions(grant.rules)[mode];
  const allow = perms[permission].includes(dataType);
  return { allow, reason: allow ? 'granted' : 'no-rule', grantId: grant.id };
}

export function modesOf(rules: Rule[]): AccessMode[] {
  return [AccessMode.Online, AccessMode.Offline].filter((m) => rules.some((r) => r.mode === m));
}

/** Rules compared regardless of order, so re-approving the same choice is not a change. */
export function sameRules(a: Rule[], b: Rule[]): boolean {
  const key = (rules: Rule[]) =>
    JSON.stringify(
      [...rules]
        .map((r) => ({ ...r, dataTypes: [...r.dataTypes].sort(), permissions: [...r.permissions].sort() }))
        .sort((x, y) => x.name.localeCompare(y.name)),
    );
  return key(a) === key(b);
}
