import { AccessMode, Permission, type Rule } from '@carevault/contracts';
import { decide, effectivePermissions, modesOf, sameRules } from './permissions';

function rule(over: Partial<Rule> = {}): Rule {
  return {
    name: 'meds',
    reason: 'to keep your medication list current',
    dataTypes: ['MedicationStatement'],
    permissions: [Permission.Create, Permission.Read],
    mode: AccessMode.Offline,
    required: true,
    ...over,
  };
}

describe('permissions', () => {
  describe(effectivePermissions.name, () => {
    it('lets online access use online and offline rules, offline access only offline rules', () => {
      const sut = effectivePermissions([
        rule(),
        rule({ name: 'allergies', dataTypes: ['AllergyIntolerance'], permissions: [Permission.Read], mode: AccessMode.Online }),
      ]);
      expect(sut.online.read).toEqual(['AllergyIntolerance', 'MedicationStatement']);
      expect(sut.offline.read).toEqual(['MedicationStatement']);
      expect(sut.offline.create).toEqual(['MedicationStatement']);
      expect(sut.online.delete).toEqual([]);
    });
  });

  describe(decide.name, () => {
    const grant = { id: 'g1', rules: [rule({ mode: AccessMode.Online, permissions: [Permission.Read] })] };

    it('denies with no-grant when there is no grant', () => {
      expect(decide(null, AccessMode.Online, 'MedicationStatement', Permission.Read)).toEqual({ allow: false, reason: 'no-grant', grantId: null });
    });

    it('allows what a rule covers in its mode', () => {
      expect(decide(grant, AccessMode.Online, 'MedicationStatement', Permission.Read)).toEqual({ allow: true, reason: 'granted', grantId: 'g1' });
    });

    it.each(Object.values(Permission))('never lets an online rule be used offline (%s)', (p) => {
      const all = { id: 'g2', rules: [rule({ mode: AccessMode.Online, permissions: Object.values(Permission) })] };
      expect(decide(all, AccessMode.Offline, 'MedicationStatement', p)).toMatchObject({ allow: false, reason: 'no-rule' });
      expect(decide(all, AccessMode.Online, 'MedicationStatement', p)).toMatchObject({ allow: true });
    });

    it('denies with no-rule for another data type or permission', () => {
      expect(decide(grant, AccessMode.Online, 'Observation', Permission.Read).reason).toBe('no-rule');
      expect(decide(grant, AccessMode.Online, 'MedicationStatement', Permission.Delete).reason).toBe('no-rule');
    });
  });

  describe(sameRules.name, () => {
    it('ignores order of rules, data types and permissions', () => {
      const a = [rule(), rule({ name: 'b', dataTypes: ['Observation', 'Condition'] })];
      const b = [rule({ name: 'b', dataTypes: ['Condition', 'Observation'] }), rule({ permissions: [Permission.Read, Permission.Create] })];
      expect(sameRules(a, b)).toBe(true);
      expect(sameRules(a, [rule()])).toBe(false);
    });
  });

  describe(modesOf.name, () => {
    it('lists the modes present', () => {
      expect(modesOf([rule(), rule({ mode: AccessMode.Online })])).toEqual(['online', 'offline']);
      expect(modesOf([rule()])).toEqual(['offline']);
    });
  });
});
