import { entryView } from '../../test/entries';
import { CAREVAULT, toAuditEvent, toBundle } from './audit-event';

const APP = '7c0e6c4a-8a4b-4b59-9f43-1c2d3e4f5a6b';
const PERSON = '1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d';
const names = new Map([[APP, 'Contoso Pharmacy']]);

describe(toAuditEvent.name, () => {
  it('maps a data access to a RESTful operation with the interaction as subtype', () => {
    const e = entryView({ appId: APP, permission: 'create', action: 'create', dataType: 'MedicationStatement', correlationId: 'c-1' });
    const sut = toAuditEvent(e, names);
    expect(sut).toMatchObject({
      resourceType: 'AuditEvent',
      id: e.eventId,
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'create' }],
      action: 'C',
      period: { start: e.occurredAt, end: e.occurredAt },
      recorded: e.recordedAt,
      outcome: '0',
      extension: [{ url: CAREVAULT.correlationId, valueString: 'c-1' }],
    });
    expect(sut.agent).toEqual([
      { who: { identifier: { system: CAREVAULT.application, value: APP }, display: 'Contoso Pharmacy' }, requestor: true, network: { address: '203.0.113.7', type: '2' } },
    ]);
    expect(sut.entity).toEqual([
      expect.objectContaining({ what: { identifier: { system: CAREVAULT.record, value: e.recordId } }, role: expect.objectContaining({ code: '1', display: 'Patient' }) }),
      expect.objectContaining({ what: { reference: `MedicationStatement/${e.itemId}` }, role: expect.objectContaining({ code: '4' }) }),
    ]);
  });

  it('maps read, update, delete and a list read, and a denial to outcome 4', () => {
    const codes = (['read', 'update', 'delete'] as const).map((p) => toAuditEvent(entryView({ permission: p, action: p }), names));
    expect(codes.map((c) => [c.subtype![0]!.code, c.action])).toEqual([['read', 'R'], ['update', 'U'], ['delete', 'D']]);
    const list = toAuditEvent(entryView({ itemId: null, itemCount: 4, dataType: 'Observation,Condition' }), names);
    expect([list.subtype![0]!.code, list.action]).toEqual(['search-type', 'E']);
    expect(list.entity![1]!.detail).toEqual([{ type: 'dataTypes', valueString: 'Observation,Condition' }, { type: 'itemCount', valueString: '4' }]);
    expect(toAuditEvent(entryView({ outcome: 'denied', reason: 'not-permitted' }), names)).toMatchObject({ outcome: '4', outcomeDesc: 'denied: not-permitted' });
  });

  it('makes the person the requestor of an online access, the application of an offline one', () => {
    const online = toAuditEvent(entryView({ appId: APP, personId: PERSON, mode: 'online' }), names);
    expect(online.agent.map((a) => [a.who?.identifier?.system, a.requestor])).toEqual([[CAREVAULT.person, true], [CAREVAULT.application, false]]);
    const offline = toAuditEvent(entryView({ appId: APP, personId: PERSON, mode: 'offline' }), names);
    expect(offline.agent.map((a) => a.requestor)).toEqual([false, true]);
  });

  it('maps sign-in to DICOM User Authentication / Login, and a failed one to outcome 4', () => {
    const e = entryView({ kind: 'recorded', category: 'auth', action: 'sign-in-failed', outcome: 'failure', recordId: null, appId: null, personId: PERSON, dataType: null, itemId: null, permission: null, mode: null, reason: null });
    const sut = toAuditEvent(e, names);
    expect(sut.type).toEqual({ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114', display: 'User Authentication' });
    expect(sut.subtype).toEqual([{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110122', display: 'Login' }, { system: CAREVAULT.action, code: 'sign-in-failed' }]);
    expect(sut.outcome).toBe('4');
    expect(sut.entity).toBeUndefined();
  });

  it('maps grant changes to a security alert and reads of the trail to Audit Log Used, with details on the record entity', () => {
    const grant = toAuditEvent(entryView({ kind: 'recorded', category: 'grant', action: 'grant-revoked', outcome: 'success', details: { grantId: 'g-1' } }), names);
    expect([grant.type.code, grant.subtype![0]!.code, grant.action]).toEqual(['110113', '110135', 'D']);
    expect(grant.entity![0]!.detail).toEqual([{ type: 'grantId', valueString: 'g-1' }]);
    const read = toAuditEvent(entryView({ kind: 'recorded', category: 'audit-read', action: 'audit-queried', outcome: 'success', appId: null, details: { view: 'query', actor: 'operator' } }), names);
    expect([read.type.code, read.action]).toEqual(['110101', 'R']);
    expect(read.agent[0]).toEqual({ who: { display: 'Carevault operator' }, requestor: true, network: { address: '203.0.113.7', type: '2' } });
  });
});

describe(toBundle.name, () => {
  it('is a collection Bundle with one AuditEvent entry per audit entry', () => {
    const entries = [entryView(), entryView()];
    const sut = toBundle(entries, names, new Date('2026-11-29T12:00:00Z'));
    expect(sut).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2026-11-29T12:00:00.000Z' });
    expect(sut.entry!.map((x) => [x.fullUrl, x.resource!.resourceType])).toEqual(entries.map((e) => [`urn:uuid:${e.eventId}`, 'AuditEvent']));
  });
});
