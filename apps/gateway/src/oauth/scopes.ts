import { AccessMode, Permission, type Rule } from '@carevault/contracts';

const LETTERS: ReadonlyArray<[Permission, string]> = [
  [Permission.Create, 'c'],
  [Permission.Read, 'r'],
  [Permission.Update, 'u'],
  [Permission.Delete, 'd'],
];

/**
 * SMART v2 scopes for what the rules allow: one `<context>/<DataType>.<cruds>` per data type, the
 * permissions of every rule on that type merged (c=create, r=read, u=update, d=delete), sorted by type.
 * `patient/` for tokens about one record, `system/` for application tokens.
 */
export function smartScope(rules: readonly Rule[], context: 'patient' | 'system', modes: readonly AccessMode[] = [AccessMode.Online, AccessMode.Offline]): string {
  const byType = new Map<string, Set<Permission>>();
  for (const rule of rules) {
    if (!modes.includes(rule.mode)) continue;
    for (const type of rule.dataTypes) {
      const set = byType.get(type) ?? new Set<Permission>();
      for (const p of rule.permissions) set.add(p);
      byType.set(type, set);
    }
  }
  return [...byType.keys()]
    .sort()
    .map((type) => `${context}/${type}.${LETTERS.filter(([p]) => byType.get(type)!.has(p)).map(([, l]) => l).join('')}`)
    .join(' ');
}

/** Online user tokens may use every granted rule; offline (device, application) tokens only offline rules. */
export const modesFor = (mode: 'online' | 'offline'): AccessMode[] => (mode === 'online' ? [AccessMode.Online, AccessMode.Offline] : [AccessMode.Offline]);
