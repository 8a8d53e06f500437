import type { EventEnvelope, GrantEventData } from '@carevault/contracts';
import { AccessMode, Permission } from '@carevault/contracts';
import { randomUUID } from 'node:crypto';
import { applicationChangedBy, partnerEventOf } from './partner-event';

const grantData = (over: Partial<GrantEventData> = {}): GrantEventData => ({
  grantId: randomUUID(),
  appId: randomUUID(),
  recordId: randomUUID(),
  personId: randomUUID(),
  rules: [{ name: 'r', reason: 'why', dataTypes: ['Observation'], permissions: [Permission.Read], mode: AccessMode.Offline, required: true }],
  modes: [AccessMode.Offline],
  mode: 'offline',
  version: 3,
  state: 'active',
  source: 'web',
  at: new Date().toISOString(),
  ...over,
});
const envelope = <T>(type: string, data: T): EventEnvelope<T> => ({
  eventId: randomUUID(),
  type,
  occurredAt: new Date().toISOString(),
  correlationId: 'c-1',
  version: 1,
  data,
});

describe(partnerEventOf.name, () => {
  it('maps a grant event to the partner shape of API.md, without consent internals', () => {
    const data = grantData();
    const e = envelope('grant.updated', data);
    const sut = partnerEventOf(e);
    expect(sut).toEqual({
      id: e.eventId,
      type: 'grant.updated',
      occurredAt: e.occurredAt,
      data: { grantId: data.grantId, appId: data.appId, recordId: data.recordId, personId: data.personId, rules: data.rules, mode: 'offline', version: 3, at: data.at },
    });
    expect(sut!.data).not.toHaveProperty('source');
    expect(sut).not.toHaveProperty('correlationId');
  });

  it('passes connect-request and device-instance data through', () => {
    const data = { appId: randomUUID(), externalId: 'ext-1', grantId: randomUUID() };
    expect(partnerEventOf(envelope('connect-request.authorized', data))?.data).toEqual(data);
    expect(partnerEventOf(envelope('device-instance.revoked', data))?.type).toBe('device-instance.revoked');
  });

  it('ignores events partners do not see, and events without a valid appId', () => {
    expect(partnerEventOf(envelope('session.ended', { appId: randomUUID() }))).toBeNull();
    expect(partnerEventOf(envelope('grant.created', { grantId: randomUUID() }))).toBeNull();
    expect(partnerEventOf(envelope('grant.created', { appId: 'not-a-uuid' }))).toBeNull();
    expect(partnerEventOf(envelope('grant.created', null))).toBeNull();
  });
});

describe(applicationChangedBy.name, () => {
  it('names the application of application events only', () => {
    const appId = randomUUID();
    expect(applicationChangedBy(envelope('application.registered', { appId }))).toBe(appId);
    expect(applicationChangedBy(envelope('grant.created', { appId }))).toBeNull();
  });
});
