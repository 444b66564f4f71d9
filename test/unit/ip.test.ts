import { describe, expect, it } from 'vitest';
import { cidrContains, formatIp, normaliseIp, parseCidrList, parseIp } from '../../src/transport/index.js';

describe('IP addresses', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::1', '::1'],
    ['::', '::'],
    ['fe80::1:2', 'fe80::1:2'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
  ])('%s normalises to %s', (input, expected) => {
    expect(normaliseIp(input)).toBe(expected);
  });

  it.each([['1.2.3'], ['256.1.1.1'], ['example.com'], ['fe80::1%eth0'], ['[::1]'], [''], ['1.2.3.4:80']])('%j is not an address', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });

  it('formats the IPv4-mapped form as dotted quad', () => {
    expect(formatIp(parseIp('::ffff:192.168.0.1') as Uint8Array)).toBe('192.168.0.1');
  });
});

describe('CIDR blocks', () => {
  const contains = (block: string, address: string) => {
    const blocks = parseCidrList(block);
    if (typeof blocks === 'string') throw new Error(blocks);
    return blocks.some((b) => cidrContains(b, parseIp(address) as Uint8Array));
  };

  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.0.0.0/8', '::ffff:10.9.9.9', true],
    ['172.16.0.0/12', '172.31.255.255', true],
    ['172.16.0.0/12', '172.32.0.0', false],
    ['192.168.1.7', '192.168.1.7', true],
    ['192.168.1.7', '192.168.1.8', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::1', '::1', true],
    ['loopback', '127.8.0.1', true],
    ['loopback', '::1', true],
    ['loopback', '10.0.0.1', false],
    ['private', 'fd12::1', true],
    ['private', '192.168.9.9', true],
    ['linklocal', 'fe80::abcd', true],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['0.0.0.0/0', '2001:db8::1', false],
  ])('%s contains %s: %s', (block, address, expected) => {
    expect(contains(block, address)).toBe(expected);
  });

  it.each([
    ['10.0.0.0/33', 'prefix "/33" must be a whole number from 0 to 32'],
    ['10.0.0.1/8', '"10.0.0.1/8" has bits set after the /8 prefix'],
    ['2001:db8::/129', 'prefix "/129" must be a whole number from 0 to 128'],
    ['10.0.0.0/x', 'prefix "/x" must be a whole number from 0 to 32'],
    ['office', '"office" is not an IPv4 or IPv6 address'],
  ])('%s is refused: %s', (block, message) => {
    expect(parseCidrList(block)).toBe(message);
  });
});
