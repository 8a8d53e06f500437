import { Injectable } from '@nestjs/common';
import { type DeviceInstanceView, IdentityCmd } from '@carevault/contracts';
import { RpcClient } from '@carevault/platform';

/** One device instance as the /apps page lists it. */
export interface DeviceInstanceSummary {
  id: string;
  appId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The active device instances of one application on one record, oldest first. */
export interface DeviceInstanceGroup {
  recordId: string;
  appId: string;
  instances: DeviceInstanceSummary[];
}

/** identity's ListDeviceInstances takes at most this many record ids at once. */
const RECORDS_PER_REQUEST = 200;

/** Groups instances by record and application, keeping the order they came in (identity sorts by record, app, creation). */
export function groupByRecordAndApp(items: DeviceInstanceView[]): DeviceInstanceGroup[] {
  const groups = new Map<string, DeviceInstanceGroup>();
  for (const i of items) {
    const key = `${i.recordId}:${i.appId}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { recordId: i.recordId, appId: i.appId, instances: [] }));
    group.instances.push({ id: i.id, appId: i.appId, name: i.name, createdAt: i.createdAt, lastUsedAt: i.lastUsedAt });
  }
  return [...groups.values()];
}

/**
 * The device instances for the person's pages (/apps): only records the person is a custodian of
 * (identity checks), only instances that are not revoked. Render them with deviceInstanceList().
 */
@Injectable()
export class DeviceInstancesView {
  constructor(private readonly rpc: RpcClient) {}

  async forRecords(personId: string, recordIds: string[], correlationId?: string): Promise<DeviceInstanceGroup[]> {
    const items: DeviceInstanceView[] = [];
    for (let i = 0; i < recordIds.length; i += RECORDS_PER_REQUEST) {
      const page = await this.rpc.request(IdentityCmd.ListDeviceInstances, { personId, recordIds: recordIds.slice(i, i + RECORDS_PER_REQUEST) }, { correlationId });
      items.push(...page.items);
    }
    return groupByRecordAndApp(items);
  }
}
