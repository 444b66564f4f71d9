import { describe, expect, it } from 'vitest';
import { formatRateLimit, formatRateLimitPolicy, isQuotaPolicyName, retryAfterSeconds } from '../../src/rate-limit/headers.js';

describe('IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers-10)', () => {
  it('RateLimit-Policy lists each policy as a String with q and w, in order', () => {
    expect(formatRateLimitPolicy([{ name: 'per-ip', quota: 200, windowSeconds: 60 }])).toBe('"per-ip";q=200;w=60');
    expect(
      formatRateLimitPolicy([
        { name: 'per-ip', quota: 200, windowSeconds: 60 },
        { name: 'per-key', quota: 10, windowSeconds: 3600 },
      ]),
    ).toBe('"per-ip";q=200;w=60, "per-key";q=10;w=3600');
  });

  it('RateLimit gives remaining and whole seconds to a full quota, rounded up', () => {
    expect(formatRateLimit([{ name: 'per-ip', remaining: 57, resetAfterMs: 12_400 }])).toBe('"per-ip";r=57;t=13');
    expect(formatRateLimit([{ name: 'per-ip', remaining: 0, resetAfterMs: 0 }])).toBe('"per-ip";r=0;t=0');
    expect(formatRateLimit([{ name: 'a', remaining: 3, resetAfterMs: 1000 }, { name: 'b', remaining: 0, resetAfterMs: 1 }])).toBe('"a";r=3;t=1, "b";r=0;t=1');
  });

  it('escapes quotes and backslashes in names; never writes a negative or fractional integer', () => {
    expect(formatRateLimitPolicy([{ name: 'say "hi" \\ bye', quota: 2.9, windowSeconds: -1 }])).toBe('"say \\"hi\\" \\\\ bye";q=2;w=0');
    expect(formatRateLimit([{ name: 'x', remaining: -4, resetAfterMs: -10 }])).toBe('"x";r=0;t=0');
  });

  it('names are 1-64 printable ASCII characters', () => {
    expect([isQuotaPolicyName('per-ip'), isQuotaPolicyName('a b "c"'), isQuotaPolicyName('x'.repeat(64))]).toEqual([true, true, true]);
    expect([isQuotaPolicyName(''), isQuotaPolicyName('x'.repeat(65)), isQuotaPolicyName('é'), isQuotaPolicyName('a\nb'), isQuotaPolicyName(7)]).toEqual([false, false, false, false, false]);
  });

  it('Retry-After is whole seconds, rounded up, at least 1', () => {
    expect([retryAfterSeconds(0), retryAfterSeconds(1), retryAfterSeconds(1000), retryAfterSeconds(1001), retryAfterSeconds(59_999)]).toEqual(['1', '1', '1', '2', '60']);
  });
});
