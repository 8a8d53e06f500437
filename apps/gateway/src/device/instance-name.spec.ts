import { instanceNameOf, normalizeInstanceName } from './instance-name';

describe(normalizeInstanceName.name, () => {
  it('makes one line of the name', () => {
    expect(normalizeInstanceName("  Sam's\n iPhone\t")).toBe("Sam's iPhone");
    expect(normalizeInstanceName('   ')).toBe('');
  });

  it('refuses a name that is too long or holds control characters', () => {
    expect(normalizeInstanceName('x'.repeat(101))).toBeNull();
    expect(normalizeInstanceName('a\u0007b')).toBeNull();
    expect(normalizeInstanceName('x'.repeat(100))).toHaveLength(100);
  });
});

describe(instanceNameOf.name, () => {
  it('reads a non-empty string only', () => {
    expect(instanceNameOf({ instance_name: 'Kitchen tablet' })).toBe('Kitchen tablet');
    expect(instanceNameOf({ instance_name: '' })).toBeNull();
    expect(instanceNameOf({ instance_name: 3 })).toBeNull();
    expect(instanceNameOf({})).toBeNull();
  });
});
