import { describe, expect, it } from 'vitest';
import { ipRateLimitKey, isIpv6Prefix } from '../../src/rate-limit/client-key.js';

describe('ipRateLimitKey', () => {
  it('IPv4 and IPv4-mapped IPv6 count per address, as the same key', () => {
    expect([ipRateLimitKey('203.0.113.7'), ipRateLimitKey('::ffff:203.0.113.7'), ipRateLimitKey('::ffff:cb00:7107')]).toEqual(['ip:203.0.113.7', 'ip:203.0.113.7', 'ip:203.0.113.7']);
  });

  it('IPv6 counts per /56 by default: every address of one delegated prefix shares the key', () => {
    expect(ipRateLimitKey('2001:db8:0:ab12::1')).toBe('ip:2001:db8:0:ab00::/56');
    expect(ipRateLimitKey('2001:db8:0:abff:ffff:ffff:ffff:ffff')).toBe('ip:2001:db8:0:ab00::/56');
    expect(ipRateLimitKey('2001:db8:0:ac00::1')).toBe('ip:2001:db8:0:ac00::/56');
    expect(ipRateLimitKey('2001:DB8::1')).toBe('ip:2001:db8::/56');
  });

  it('takes other prefixes, including ones that cut a byte', () => {
    expect(ipRateLimitKey('2001:db8:1:2:3:4:5:6', 64)).toBe('ip:2001:db8:1:2::/64');
    expect(ipRateLimitKey('2001:db8:1:2ff:3:4:5:6', 60)).toBe('ip:2001:db8:1:2f0::/60');
    expect(ipRateLimitKey('2001:db8:1:2:3:4:5:6', 128)).toBe('ip:2001:db8:1:2:3:4:5:6');
    expect(ipRateLimitKey('2001:db8:1:2:3:4:5:6', 32)).toBe('ip:2001:db8::/32');
  });

  it('keeps an unparsable address apart from every parsed one', () => {
    expect([ipRateLimitKey(''), ipRateLimitKey('not-an-ip'), ipRateLimitKey('fe80::1%eth0')]).toEqual(['ip:?', 'ip:?not-an-ip', 'ip:?fe80::1%eth0']);
  });

  it('accepts prefixes from 32 to 128', () => {
    expect([32, 56, 64, 128].map(isIpv6Prefix)).toEqual([true, true, true, true]);
    expect([31, 129, 56.5, '56', undefined].map(isIpv6Prefix)).toEqual([false, false, false, false, false]);
  });
});
