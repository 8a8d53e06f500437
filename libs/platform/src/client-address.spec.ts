import { clientAddressKey } from './client-address';

describe(clientAddressKey.name, () => {
  it('keeps an IPv4 address, maps IPv4-mapped IPv6 to IPv4 and counts IPv6 by its /64', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('[2001:DB8::1%eth0]')).toBe('2001:db8:0:0::/64');
  });

  it('counts what is not an address as given, and a missing one as unknown', () => {
    expect(clientAddressKey(undefined)).toBe('unknown');
    expect(clientAddressKey('proxy-without-address')).toBe('proxy-without-address');
    expect(clientAddressKey('x'.repeat(300))).toHaveLength(100);
  });
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
});
