import { AccessMode, Permission, type Rule } from '@carevault/contracts';
import { consentRequested, coversRequiredRules, dataTypeInWords, permissionsInWords, preselectedRecord } from './consent-rules';

const rule = (o: Partial<Rule>): Rule => ({
  name: 'meds',
  reason: 'to check interactions',
  dataTypes: ['MedicationStatement'],
  permissions: [Permission.Read],
  mode: AccessMode.Online,
  required: true,
  ...o,
});

describe(coversRequiredRules.name, () => {
  it('is true when every required rule was granted as it is now (optional ones do not matter)', () => {
    const current = [rule({}), rule({ name: 'allergies', required: false })];
    expect(coversRequiredRules([rule({ reason: 'reworded' })], current)).toBe(true);
  });

  it('is false when a required rule was added or widened since', () => {
    expect(coversRequiredRules([rule({})], [rule({}), rule({ name: 'labs', dataTypes: ['Observation'] })])).toBe(false);
    expect(coversRequiredRules([rule({})], [rule({ permissions: [Permission.Read, Permission.Create] })])).toBe(false);
  });
});

describe(preselectedRecord.name, () => {
  it('takes the requested record only when the person holds it, else the only record', () => {
    expect(preselectedRecord('b', ['a', 'b'])).toBe('b');
    expect(preselectedRecord('x', ['a', 'b'])).toBeNull();
    expect(preselectedRecord(undefined, ['a'])).toBe('a');
    expect(preselectedRecord('x', ['a'])).toBe('a');
  });
});

describe(consentRequested.name, () => {
  it('reads prompt=consent among other prompt values', () => {
    expect(consentRequested('login consent')).toBe(true);
    expect(consentRequested('login')).toBe(false);
    expect(consentRequested(undefined)).toBe(false);
  });
});

describe('wording', () => {
  it('says permissions and data types in plain words', () => {
    expect(permissionsInWords([Permission.Create, Permission.Read])).toBe('see and add');
    expect(permissionsInWords([Permission.Delete, Permission.Update, Permission.Read])).toBe('see, change and delete');
    expect(dataTypeInWords('MedicationStatement')).toBe('medication statements');
  });
});
