import fc from 'fast-check';
import { isDns1035Label, isDns1123Subdomain, isHost, isIPv4, isIPv6 } from './names.js';

describe('names', () => {
  it.each([
    ['prd-svc', true],
    ['a', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['1svc', false],
    ['svc-', false],
    ['Svc', false],
    ['svc.x', false],
    ['', false],
  ])('DNS-1035 label %j -> %s', (s, ok) => expect(isDns1035Label(s)).toBe(ok));

  it.each([
    ['api.example.com', true],
    ['1.example', true],
    ['a..b', false],
    ['-a.b', false],
    ['API.example.com', false],
    [`${'a'.repeat(63)}.b`, true],
    [`${'a'.repeat(64)}.b`, false],
    ['', false],
  ])('DNS-1123 subdomain %j -> %s', (s, ok) => expect(isDns1123Subdomain(s)).toBe(ok));

  it.each([
    ['10.0.0.1', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['01.1.1.1', false],
    ['1.1.1', false],
    ['1.1.1.1.', false],
  ])('IPv4 %j -> %s', (s, ok) => expect(isIPv4(s)).toBe(ok));

  it.each([
    ['::', true],
    ['::1', true],
    ['2001:db8::1', true],
    ['1:2:3:4:5:6:7:8', true],
    ['::ffff:10.0.0.1', true],
    ['1::', true],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1:2:3:4:5:6:7', false],
    ['1::2::3', false],
    [':1', false],
    ['12345::', false],
    ['10.0.0.1::', false],
    ['1::10.0.0.1:2', false],
    ['fe80::1%eth0', false],
    ['[::1]', false],
  ])('IPv6 %j -> %s', (s, ok) => expect(isIPv6(s)).toBe(ok));

  it.each([
    ['*.example.com', true],
    ['*', false],
    ['a.*.com', false],
    ['2001:db8::1', true],
  ])('host %j -> %s', (s, ok) => expect(isHost(s)).toBe(ok));

  it('accepts every address fast-check generates, in any text form', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => expect(isIPv4(ip) && isHost(ip)).toBe(true)));
    fc.assert(fc.property(fc.ipV6(), (ip) => expect(isIPv6(ip) && isHost(ip)).toBe(true)));
  });

  it('never takes an IPv4 address for IPv6 or the reverse', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => expect(isIPv6(ip)).toBe(false)));
    fc.assert(fc.property(fc.ipV6(), (ip) => expect(isIPv4(ip)).toBe(false)));
  });
});
