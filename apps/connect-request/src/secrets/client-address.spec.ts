import { clientAddressKey } from './client-address';

describe(clientAddressKey.name, () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::9', '2001:db8:1:2::/64'],
    ['[2001:db8:1:2:aaaa::1]', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:198.51.100.4', '198.51.100.4'],
    ['::1', '0:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('counts %s as %s', (given, expected) => {
    expect(clientAddressKey(given)).toBe(expected);
  });

  it('puts two addresses of one /64 together and other /64s apart', () => {
    expect(clientAddressKey('2001:db8:0:1::a')).toBe(clientAddressKey('2001:db8:0:1:ffff:ffff:ffff:ffff'));
    expect(clientAddressKey('2001:db8:0:1::a')).not.toBe(clientAddressKey('2001:db8:0:2::a'));
  });
});
