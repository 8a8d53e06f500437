import { AccessMode, Permission, type Rule } from '@carevault/contracts';
import { modesFor, smartScope } from './scopes';

const rule = (o: Partial<Rule>): Rule => ({
  name: 'r',
  reason: 'because',
  dataTypes: ['Observation'],
  permissions: [Permission.Read],
  mode: AccessMode.Online,
  required: true,
  ...o,
});

describe(smartScope.name, () => {
  it('merges the permissions of every rule per data type in c, r, u, d order, types sorted', () => {
    const rules = [
      rule({ dataTypes: ['MedicationStatement'], permissions: [Permission.Read] }),
      rule({ dataTypes: ['MedicationStatement', 'AllergyIntolerance'], permissions: [Permission.Create], mode: AccessMode.Offline }),
      rule({ dataTypes: ['AllergyIntolerance'], permissions: [Permission.Delete, Permission.Read] }),
    ];
    expect(smartScope(rules, 'patient')).toBe('patient/AllergyIntolerance.crd patient/MedicationStatement.cr');
  });

  it('keeps only the rules of the given modes', () => {
    const rules = [rule({ dataTypes: ['Observation'] }), rule({ dataTypes: ['Condition'], mode: AccessMode.Offline })];
    expect(smartScope(rules, 'patient', modesFor('offline'))).toBe('patient/Condition.r');
    expect(smartScope(rules, 'system', modesFor('online'))).toBe('system/Condition.r system/Observation.r');
  });

  it('is empty without rules', () => {
    expect(smartScope([], 'patient')).toBe('');
  });
});
