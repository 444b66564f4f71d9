import { describe, expect, it } from 'vitest';
import { Problems } from '../../src/core/config-error.js';
import { compileRateLimitRule } from '../../src/rate-limit/rule.js';

function compile(raw: unknown): { rule: ReturnType<typeof compileRateLimitRule>; problems: Array<[string, string, string]> } {
  const problems = new Problems();
  const rule = compileRateLimitRule(raw, problems, 'rateLimit.routes[0].limits[0]');
  return { rule, problems: problems.list.map((p) => [p.path, p.message, p.fix]) };
}

describe('compileRateLimitRule', () => {
  it("'200/min' per IP: one request every 300 ms on average, bursts of 200, advertised as q=200;w=60", () => {
    expect(compile({ limit: '200/min' })).toEqual({
      rule: { name: 'per-ip', by: 'ip', gcra: { intervalMs: 300, burst: 200 }, quota: { name: 'per-ip', quota: 200, windowSeconds: 60 }, onStoreFailure: 'open' },
      problems: [],
    });
  });

  it('takes a burst, a key kind, a name, a failure mode and the object form of a rate', () => {
    expect(compile({ limit: { max: 10, window: '1m' }, burst: 2, by: 'apiKey', name: 'bulk', onStoreFailure: 'closed' }).rule).toEqual({
      name: 'bulk',
      by: 'apiKey',
      gcra: { intervalMs: 6000, burst: 2 },
      quota: { name: 'bulk', quota: 10, windowSeconds: 60 },
      onStoreFailure: 'closed',
    });
    expect(compile({ limit: '3/s', by: 'user' }).rule?.gcra).toEqual({ intervalMs: 1000 / 3, burst: 3 });
    expect(compile({ limit: '3/s', by: 'user' }).rule?.name).toBe('per-user');
    expect(compile({ limit: '3/s', by: 'apiKey' }).rule?.name).toBe('per-key');
  });

  it('lists every problem with its path and fix', () => {
    const path = 'rateLimit.routes[0].limits[0]';
    expect(compile({ limit: '200 per minute', burst: 0, by: 'cookie', name: 'é', onStoreFailure: 'maybe', every: 1 })).toEqual({
      rule: undefined,
      problems: [
        [`${path}.every`, 'unknown option.', expect.any(String)],
        [`${path}.limit`, '"200 per minute" is not a rate.', "write '200/min', '10/s', '1000/hour' or { max: 200, window: '1m' }."],
        [`${path}.burst`, '0 is not a whole number of requests (1 or more).', 'write burst: 20, or leave it out to allow the whole limit at once.'],
        [`${path}.by`, '"cookie" is not one of the allowed values.', 'use one of: "ip", "user", "apiKey".'],
        [`${path}.name`, '"é" is not a usable policy name.', "use 1 to 64 printable ASCII characters, e.g. 'sms-per-key'."],
        [`${path}.onStoreFailure`, '"maybe" is not one of the allowed values.', 'use one of: "open", "closed".'],
      ],
    });
    expect(compile('200/min').problems).toEqual([[path, 'expected an object, got "200/min".', "write { limit: '200/min', by: 'ip' }."]]);
  });
});
