import { entryView } from '../../test/entries';
import { describe as sut } from './describe';

const APP = '7c0e6c4a-8a4b-4b59-9f43-1c2d3e4f5a6b';
const PERSON = '1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d';
const names = new Map([[APP, 'Contoso Pharmacy']]);

describe('describe()', () => {
  describe('a data access', () => {
    it('says what the application did, in which mode, and that it was allowed', () => {
      const e = entryView({ appId: APP, action: 'create', permission: 'create', dataType: 'MedicationStatement', mode: 'offline' });
      expect(sut(e, names)).toBe('Contoso Pharmacy added a MedicationStatement — offline — allowed');
      expect(sut({ ...e, action: 'read', permission: 'read', dataType: 'Observation', mode: 'online' }, names)).toBe('Contoso Pharmacy read an Observation — online — allowed');
      expect(sut({ ...e, action: 'update', permission: 'update', dataType: 'Condition' }, names)).toBe('Contoso Pharmacy updated a Condition — offline — allowed');
      expect(sut({ ...e, action: 'delete', permission: 'delete', dataType: 'Immunization' }, names)).toBe('Contoso Pharmacy deleted an Immunization — offline — allowed');
    });

    it('says what a refusal was about and why, in plain words', () => {
      const e = entryView({ appId: APP, permission: 'read', dataType: 'Condition', mode: 'online', outcome: 'denied', reason: 'not-permitted' });
      expect(sut(e, names)).toBe('Contoso Pharmacy was refused reading Condition — online — denied (no rule)');
      expect(sut({ ...e, reason: 'no-grant', dataType: null, itemId: null }, names)).toBe('Contoso Pharmacy was refused reading items — online — denied (not authorized)');
      expect(sut({ ...e, reason: 'not-found', dataType: null, permission: 'update', action: 'update' }, names)).toBe(
        'Contoso Pharmacy was refused updating an item — online — denied (not found)',
      );
      expect(sut({ ...e, reason: 'rate-limited' }, names)).toMatch(/denied \(rate limited\)$/);
    });

    it('counts the items a list call returned, with their data types', () => {
      const e = entryView({ appId: APP, itemId: null, dataType: 'Observation,Condition', itemCount: 12 });
      expect(sut(e, names)).toBe('Contoso Pharmacy read 12 items (Observation, Condition) — offline — allowed');
      expect(sut({ ...e, itemCount: 1, dataType: 'Observation' }, names)).toBe('Contoso Pharmacy read 1 item (Observation) — offline — allowed');
    });

    it('says "An application" when the name is unknown', () => {
      expect(sut(entryView({ dataType: 'Observation' }), new Map())).toBe('An application read an Observation — offline — allowed');
    });
  });

  describe('a recorded action', () => {
    const recorded = { kind: 'recorded' as const, permission: null, mode: null, dataType: null, itemId: null, reason: null };

    it('names the viewer "You" and other persons "A custodian"', () => {
      const e = entryView({ ...recorded, category: 'grant', action: 'grant-created', outcome: 'success', appId: APP, personId: PERSON });
      expect(sut(e, names, PERSON)).toBe('You authorized Contoso Pharmacy — success');
      expect(sut(e, names)).toBe('A custodian authorized Contoso Pharmacy — success');
      expect(sut({ ...e, action: 'grant-revoked' }, names, PERSON)).toBe('You revoked the authorization of Contoso Pharmacy — success');
    });

    it('tells Patient Connect failures and reads of the trail apart', () => {
      const wrong = entryView({ ...recorded, category: 'connect', action: 'connect-answer-wrong', outcome: 'failure', appId: APP, personId: PERSON });
      expect(sut(wrong, names, PERSON)).toBe('You gave a wrong answer to the Patient Connect question of Contoso Pharmacy — failure');
      const read = entryView({ ...recorded, category: 'audit-read', action: 'audit-queried', outcome: 'success', appId: null, details: { view: 'query', actor: 'operator' } });
      expect(sut(read, names)).toBe('An operator searched the audit trail — success');
      expect(sut({ ...read, personId: PERSON, details: { view: 'export-fhir', actor: 'person' } }, names)).toBe("A custodian exported this record's activity — success");
    });

    it('falls back to the action in words for an action it has no sentence for', () => {
      const e = entryView({ ...recorded, category: 'device', action: 'device-renamed', outcome: 'success', appId: APP });
      expect(sut(e, names)).toBe('Contoso Pharmacy: device renamed — success');
    });
  });
});
