import { type AccessContext, AccessMode, Permission } from '@carevault/contracts';
import { dataAccessedEvent } from './access-audit';
import { listableTypes, may } from './permissions';

function accessContext(permissions: Partial<AccessContext['permissions']> = {}): AccessContext {
  return {
    recordId: '11111111-1111-4111-8111-111111111111',
    appId: '22222222-2222-4222-8222-222222222222',
    personId: null,
    instanceId: null,
    mode: AccessMode.Offline,
    correlationId: 'corr-1',
    permissions: { create: [], read: [], update: [], delete: [], ...permissions },
  };
}

describe(may.name, () => {
  it('allows exactly the data types listed for the permission', () => {
    const sut = accessContext({ read: ['Observation'], update: ['Condition'] });
    expect(may(sut, Permission.Read, 'Observation')).toBe(true);
    expect(may(sut, Permission.Read, 'Condition')).toBe(false);
    expect(may(sut, Permission.Update, 'Condition')).toBe(true);
    expect(may(sut, Permission.Delete, 'Condition')).toBe(false);
  });

  it('allows nothing for a grant without rules', () => {
    const sut = accessContext();
    for (const p of Object.values(Permission)) expect(may(sut, p, 'Observation')).toBe(false);
  });
});

describe(listableTypes.name, () => {
  const sut = accessContext({ read: ['Observation', 'Condition'] });

  it('lists every readable type when none are asked for', () => {
    expect(listableTypes(sut, undefined)).toEqual({ types: ['Observation', 'Condition'] });
    expect(listableTypes(sut, [])).toEqual({ types: ['Observation', 'Condition'] });
  });

  it('keeps the requested types when all are readable (once each)', () => {
    expect(listableTypes(sut, ['Condition', 'Condition'])).toEqual({ types: ['Condition'] });
  });

  it('names the requested types the app may not read', () => {
    expect(listableTypes(sut, ['Condition', 'Immunization', 'Patient'])).toEqual({ denied: ['Immunization', 'Patient'] });
  });

  it('denies a list when nothing is readable', () => {
    expect(listableTypes(accessContext({ create: ['Observation'] }), undefined)).toEqual({ denied: [] });
  });
});

describe(dataAccessedEvent.name, () => {
  it('carries who, what kind, which item and the outcome, nothing else', () => {
    const access = { ...accessContext({ read: ['Observation'] }), personId: '33333333-3333-4333-8333-333333333333', clientAddress: '203.0.113.9' };
    const at = new Date('2025-01-01T00:00:00Z');
    const sut = dataAccessedEvent(access, { permission: Permission.Read, dataType: 'Observation', itemId: '44444444-4444-4444-8444-444444444444' }, 'allowed', 'permitted', at);
    expect(sut).toEqual({
      recordId: access.recordId,
      appId: access.appId,
      personId: access.personId,
      instanceId: null,
      mode: 'offline',
      dataType: 'Observation',
      itemId: '44444444-4444-4444-8444-444444444444',
      permission: 'read',
      outcome: 'allowed',
      reason: 'permitted',
      at: '2025-01-01T00:00:00.000Z',
      correlationId: 'corr-1',
      clientAddress: '203.0.113.9',
    });
    expect(JSON.stringify(sut)).not.toContain('permissions');
  });

  it('describes a list call by its types and item count', () => {
    const sut = dataAccessedEvent(accessContext(), { permission: Permission.Read, dataTypes: ['Observation'], itemCount: 7 }, 'allowed', 'permitted', new Date());
    expect(sut).toMatchObject({ dataType: 'Observation', dataTypes: ['Observation'], itemId: null, itemCount: 7 });
  });
});
