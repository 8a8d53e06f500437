import { type GrantEventData, type GrantView } from '@carevault/contracts';
import { modesOf } from '../decisions/permissions';
import type { GrantEntity } from './grant.entity';

export function toGrantView(g: GrantEntity): GrantView {
  return {
    grantId: g.id,
    appId: g.appId,
    recordId: g.recordId,
    personId: g.personId,
    rules: g.rules,
    ruleSetVersion: g.ruleSetVersion,
    version: g.version,
    state: g.state,
    source: g.source,
    modes: modesOf(g.rules),
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
    revokedAt: g.revokedAt ? g.revokedAt.toISOString() : null,
  };
}

export function toGrantEventData(g: GrantEntity): GrantEventData {
  const modes = modesOf(g.rules);
  return {
    grantId: g.id,
    appId: g.appId,
    recordId: g.recordId,
    personId: g.personId,
    rules: g.rules,
    modes,
    mode: modes.join('+'),
    version: g.version,
    state: g.state,
    source: g.source,
    at: g.updatedAt.toISOString(),
  };
}

export function encodeCursor(g: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([g.createdAt.toISOString(), g.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: string; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) return null;
    return { at, id };
  } catch {
    return null;
  }
}
