import { Permission } from '@carevault/contracts';
import { byDataType } from './grants.controller';
import { versionStampOf } from './partner-api.dto';

describe(versionStampOf.name, () => {
  it.each([
    ['"abc"', 'abc'],
    ['W/"abc"', 'abc'],
    ['abc', 'abc'],
    [' "abc" ', 'abc'],
  ])('reads %s as %s', (header, stamp) => expect(versionStampOf(header)).toBe(stamp));

  it('treats a missing or empty header as absent (428 follows)', () => {
    expect(versionStampOf(undefined)).toBeUndefined();
    expect(versionStampOf('""')).toBeUndefined();
  });
});

describe(byDataType.name, () => {
  it('turns permission → types into type → permissions', () => {
    expect(
      byDataType({
        [Permission.Create]: ['Observation'],
        [Permission.Read]: ['Observation', 'Condition'],
        [Permission.Update]: [],
        [Permission.Delete]: [],
      }),
    ).toEqual({ Observation: ['create', 'read'], Condition: ['read'] });
  });
});
