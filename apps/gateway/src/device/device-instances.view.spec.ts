import type { DeviceInstanceView } from '@carevault/contracts';
import { deviceInstanceList } from './device-pages';
import { groupByRecordAndApp } from './device-instances.view';

const instance = (o: Partial<DeviceInstanceView>): DeviceInstanceView => ({
  id: 'i-1',
  appId: 'app-1',
  personId: 'p-1',
  recordId: 'r-1',
  grantId: 'g-1',
  name: "Sam's iPhone",
  createdAt: '2026-11-01T10:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
  ...o,
});

describe(groupByRecordAndApp.name, () => {
  it('groups by record and application, keeping the order within a group', () => {
    const sut = groupByRecordAndApp([
      instance({ id: 'a' }),
      instance({ id: 'b', name: 'Kitchen tablet' }),
      instance({ id: 'c', appId: 'app-2' }),
      instance({ id: 'd', recordId: 'r-2' }),
    ]);
    expect(sut.map((g) => [g.recordId, g.appId, g.instances.map((i) => i.id)])).toEqual([
      ['r-1', 'app-1', ['a', 'b']],
      ['r-1', 'app-2', ['c']],
      ['r-2', 'app-1', ['d']],
    ]);
    expect(sut[0]!.instances[1]).toEqual({ id: 'b', appId: 'app-1', name: 'Kitchen tablet', createdAt: '2026-11-01T10:00:00.000Z', lastUsedAt: null });
  });

  it('gives nothing for nothing', () => {
    expect(groupByRecordAndApp([])).toEqual([]);
  });
});

describe(deviceInstanceList.name, () => {
  it('renders one Disconnect form per instance with the instance id and the CSRF token, names escaped', () => {
    const page = deviceInstanceList(
      [{ id: 'i-1', name: '<Sam>', appName: 'Cuff', createdAt: '2026-11-01T10:00:00.000Z', lastUsedAt: '2026-11-02T10:00:00.000Z' }],
      'tok',
    ).value;
    expect(page).toContain('action="/apps/revoke-instance"');
    expect(page).toContain('name="instance_id" value="i-1"');
    expect(page).toContain('name="_csrf" value="tok"');
    expect(page).toContain('&lt;Sam&gt;');
    expect(page).toContain('last used on');
    expect(deviceInstanceList([], 'tok').value).toBe('');
  });
});
