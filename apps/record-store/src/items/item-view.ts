import type { AccessMode, ItemAuthor, ItemVersionView, ItemView } from '@carevault/contracts';
import type { ItemVersionEntity } from './item-version.entity';
import type { ItemEntity } from './item.entity';

/** The stored resource with the platform's `id` and `meta` (version stamp, last updated) put back. */
export function resourceOf(stored: Record<string, unknown>, id: string, versionStamp: string, at: Date): Record<string, unknown> {
  const { resourceType, meta, ...rest } = stored;
  const kept = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : {};
  return { resourceType, id, meta: { ...kept, versionId: versionStamp, lastUpdated: at.toISOString() }, ...rest };
}

function author(at: Date, appId: string, personId: string | null, mode: string, instanceId: string | null): ItemAuthor {
  return { at: at.toISOString(), appId, personId, mode: mode as AccessMode, instanceId };
}

export function toItemView(i: ItemEntity): ItemView {
  return {
    id: i.id,
    type: i.type,
    versionStamp: i.versionStamp,
    effectiveDate: i.effectiveDate.toISOString(),
    resource: resourceOf(i.resource, i.id, i.versionStamp, i.updatedAt),
    created: author(i.createdAt, i.createdAppId, i.createdPersonId, i.createdMode, i.createdInstanceId),
    updated: author(i.updatedAt, i.updatedAppId, i.updatedPersonId, i.updatedMode, i.updatedInstanceId),
    state: i.state,
  };
}

/** One version of `item`, as the item looked right after that version was written. */
export function toVersionView(item: ItemEntity, v: ItemVersionEntity): ItemVersionView {
  return {
    id: item.id,
    type: item.type,
    version: v.version,
    versionStamp: v.versionStamp,
    effectiveDate: v.effectiveDate.toISOString(),
    resource: resourceOf(v.resource, item.id, v.versionStamp, v.at),
    created: author(item.createdAt, item.createdAppId, item.createdPersonId, item.createdMode, item.createdInstanceId),
    updated: author(v.at, v.appId, v.personId, v.mode, v.instanceId),
    state: v.state,
  };
}
