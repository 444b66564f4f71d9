/**
 * The rate-limit store contract suite: exact decisions that every backend (memory, SQLite, Redis)
 * must give, unchanged. Imported by `rate-limit-store-<backend>.test.ts` and the Redis integration
 * test; it is not a test file itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GcraLimit, RateLimitDecision, RateLimitStore } from '../../src/stores/index.js';

/** A fixed instant so every expected value is exact. */
export const T0 = 1_700_000_000_000;

/**
 * One request a second, bursts of 5: the burst window is 5 s. Whole seconds, so that Redis's TTLs
 * (real time, set from these simulated durations) cannot run out between two calls of one test.
 */
export const LIMIT: GcraLimit = { intervalMs: 1000, burst: 5 };

export const allowed = (remaining: number, resetAfterMs: number): RateLimitDecision => ({ allowed: true, remaining, retryAfterMs: 0, resetAfterMs });
export const denied = (retryAfterMs: number, resetAfterMs: number): RateLimitDecision => ({ allowed: false, remaining: 0, retryAfterMs, resetAfterMs });

/**
 * GCRA computed with BigInt microseconds, independently of the stores' double arithmetic: the
 * reference the random sequence is checked against.
 */
export function referenceGcra(): (key: string, limit: GcraLimit, now: number, cost?: number) => RateLimitDecision {
  const tats = new Map<string, bigint>();
  const msUp = (us: bigint): number => Number((us + 999n) / 1000n);
  return (key, limit, now, cost = 1) => {
    const nowUs = BigInt(Math.round(now * 1000));
    const t = BigInt(Math.round(limit.intervalMs * 1000));
    const window = t * BigInt(limit.burst);
    const stored = tats.get(key);
    const tat = stored !== undefined && stored > nowUs ? stored : nowUs;
    const used = tat + t * BigInt(cost) - nowUs;
    if (used > window) return denied(msUp(used - window), msUp(tat - nowUs));
    tats.set(key, tat + t * BigInt(cost));
    return allowed(Number((window - used) / t), msUp(used));
  };
}

/**
 * Registers the contract tests for one backend.
 * @param name the backend's name, shown in the test titles.
 * @param make returns a fresh, empty store for each test; the suite closes it afterwards.
 */
export function rateLimitStoreContract(name: string, make: () => Promise<RateLimitStore>): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    const opened: RateLimitStore[] = [];
    async function fresh(): Promise<RateLimitStore> {
      const store = await make();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    /** `count` requests of `cost` for `key` at `now`, in order. */
    async function take(store: RateLimitStore, key: string, count: number, now: number, limit = LIMIT, cost = 1): Promise<RateLimitDecision[]> {
      const out: RateLimitDecision[] = [];
      for (let i = 0; i < count; i++) out.push(await store.consume(key, limit, now, cost));
      return out;
    }

    it('allows a burst of exactly `burst` at once, then denies with the exact wait', async () => {
      const store = await fresh();
      expect(await take(store, 'k', 5, T0)).toEqual([allowed(4, 1000), allowed(3, 2000), allowed(2, 3000), allowed(1, 4000), allowed(0, 5000)]);
      expect(await store.consume('k', LIMIT, T0)).toEqual(denied(1000, 5000));
      expect(await store.consume('k', LIMIT, T0 + 600)).toEqual(denied(400, 4400));
    });

    it('refills one request after exactly intervalMs, not a millisecond earlier', async () => {
      const store = await fresh();
      await take(store, 'k', 5, T0);
      expect(await store.consume('k', LIMIT, T0 + 999)).toEqual(denied(1, 4001));
      expect(await store.consume('k', LIMIT, T0 + 1000)).toEqual(allowed(0, 5000));
      expect(await store.consume('k', LIMIT, T0 + 1000)).toEqual(denied(1000, 5000));
      expect(await store.consume('k', LIMIT, T0 + 2500)).toEqual(allowed(0, 4500)); // TAT T0 + 7000
      expect(await store.consume('k', LIMIT, T0 + 4500)).toEqual(allowed(1, 3500)); // TAT T0 + 8000
    });

    it('has no window boundary: a steady client at the rate is always allowed, one faster is not', async () => {
      const store = await fresh();
      await take(store, 'k', 5, T0);
      for (let i = 1; i <= 20; i++) expect(await store.consume('k', LIMIT, T0 + 1000 * i)).toEqual(allowed(0, 5000));
      expect(await store.consume('k', LIMIT, T0 + 20_500)).toEqual(denied(500, 4500));
    });

    it('charges cost > 1 as that many requests, and denies what does not fit without charging', async () => {
      const store = await fresh();
      expect(await store.consume('k', LIMIT, T0, 3)).toEqual(allowed(2, 3000));
      expect(await store.consume('k', LIMIT, T0, 3)).toEqual(denied(1000, 3000));
      expect(await store.consume('k', LIMIT, T0, 2)).toEqual(allowed(0, 5000));
      expect(await store.consume('other', LIMIT, T0, 5)).toEqual(allowed(0, 5000));
      expect(await store.consume('other', LIMIT, T0 + 2500, 3)).toEqual(denied(500, 2500));
      expect(await store.consume('other', LIMIT, T0 + 3000, 3)).toEqual(allowed(0, 5000));
    });

    it('denied requests consume nothing, however many', async () => {
      const store = await fresh();
      await take(store, 'k', 5, T0);
      const flood = await take(store, 'k', 50, T0 + 500);
      expect(flood.every((d) => d.allowed === false && d.retryAfterMs === 500 && d.resetAfterMs === 4500)).toBe(true);
      expect(await store.consume('k', LIMIT, T0 + 1000)).toEqual(allowed(0, 5000));
    });

    it('keeps keys independent', async () => {
      const store = await fresh();
      await take(store, 'a', 5, T0);
      expect(await store.consume('a', LIMIT, T0)).toEqual(denied(1000, 5000));
      expect(await store.consume('b', LIMIT, T0)).toEqual(allowed(4, 1000));
      expect(await store.consume('a:b', LIMIT, T0)).toEqual(allowed(4, 1000));
      expect(await store.consume('b', { intervalMs: 10_000, burst: 2 }, T0)).toEqual(allowed(0, 11_000)); // one TAT per key, whatever limit the caller applies to it
    });

    it('reset forgets a key (and resetting an unknown key is fine)', async () => {
      const store = await fresh();
      await take(store, 'k', 5, T0);
      await store.reset('k');
      expect(await store.consume('k', LIMIT, T0)).toEqual(allowed(4, 1000));
      await store.reset('never-seen');
      expect(await store.consume('never-seen', LIMIT, T0)).toEqual(allowed(4, 1000));
    });

    it('is back to a full burst exactly resetAfterMs later', async () => {
      const store = await fresh();
      const [, , last] = await take(store, 'k', 3, T0);
      expect(last).toEqual(allowed(2, 3000));
      expect(await store.consume('k', LIMIT, T0 + 2999)).toEqual(allowed(3, 1001)); // not yet full: 1 ms short of 4
      await store.reset('k');
      await take(store, 'k', 3, T0);
      expect(await store.consume('k', LIMIT, T0 + 3000)).toEqual(allowed(4, 1000));
      expect(await store.consume('k', LIMIT, T0 + 86_400_000)).toEqual(allowed(4, 1000));
    });

    it('keeps a fractional interval to the microsecond (10000/3 ms → 3 333 333 µs)', async () => {
      const store = await fresh();
      const third: GcraLimit = { intervalMs: 10_000 / 3, burst: 3 }; // window 9 999 999 µs
      expect(await take(store, 'k', 3, T0, third)).toEqual([allowed(2, 3334), allowed(1, 6667), allowed(0, 10_000)]);
      expect(await store.consume('k', third, T0)).toEqual(denied(3334, 10_000));
      expect(await store.consume('k', third, T0 + 3333)).toEqual(denied(1, 6667)); // 333 µs short
      expect(await store.consume('k', third, T0 + 3334)).toEqual(allowed(0, 10_000)); // TAT T0 + 13 333 332 µs
      expect(await store.consume('k', third, T0 + 10_000)).toEqual(allowed(1, 6667)); // 1 µs more than one interval left
      expect(await store.consume('k', third, T0 + 50_000)).toEqual(allowed(2, 3334));
    });

    it('takes a fractional now to the microsecond', async () => {
      const store = await fresh();
      const one: GcraLimit = { intervalMs: 1000, burst: 1 };
      expect(await store.consume('k', one, T0 + 0.25)).toEqual(allowed(0, 1000)); // TAT T0 + 1000.25 ms
      expect(await store.consume('k', one, T0 + 1000)).toEqual(denied(1, 1)); // 250 µs short: rounded up
      expect(await store.consume('k', one, T0 + 1000.25)).toEqual(allowed(0, 1000));
      expect(await store.consume('k', { intervalMs: 2.5, burst: 4 }, T0 + 3000)).toEqual(allowed(3, 3)); // 2.5 ms, shown rounded up
    });

    it('gives exactly the BigInt reference decisions over a long random sequence', async () => {
      const store = await fresh();
      const reference = referenceGcra();
      let seed = 12345;
      const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      const limits: GcraLimit[] = [{ intervalMs: 1000 / 3, burst: 3 }, { intervalMs: 0.001, burst: 1000 }, { intervalMs: 86_400_000 / 7, burst: 7 }, { intervalMs: 123.45, burst: 10 }];
      let now = T0;
      const seen = { allowed: 0, denied: 0 };
      for (let i = 0; i < 300; i++) {
        const limit = limits[i % limits.length] as GcraLimit;
        now += Math.floor(random() * 4000) + (random() < 0.3 ? 0.5 : 0);
        const cost = 1 + Math.floor(random() * Math.min(limit.burst, 3));
        const key = `k${i % limits.length}`;
        const expected = reference(key, limit, now, cost);
        expect(await store.consume(key, limit, now, cost)).toEqual(expected);
        seen[expected.allowed ? 'allowed' : 'denied']++;
      }
      expect(seen).toEqual({ allowed: 229, denied: 71 }); // both outcomes exercised
    });

    it('refuses arguments outside the contract with a TypeError naming them, and changes nothing', async () => {
      const store = await fresh();
      const bad = (args: unknown[]): Promise<unknown> => (store.consume as (...a: unknown[]) => Promise<unknown>)(...args);
      const cases: Array<[unknown[], string]> = [
        [['', LIMIT, T0], 'Rate limit store: key must be a non-empty string of at most 512 characters, got an empty string.'],
        [['x'.repeat(513), LIMIT, T0], 'Rate limit store: key must be a non-empty string of at most 512 characters, got 513 characters.'],
        [[42, LIMIT, T0], 'Rate limit store: key must be a non-empty string of at most 512 characters, got number 42.'],
        [['k', null, T0], 'Rate limit store: limit must be an object { intervalMs, burst }, got null.'],
        [['k', { intervalMs: 0, burst: 5 }, T0], 'Rate limit store: limit.intervalMs must be a finite number of ms, at least 0.001, got number 0.'],
        [['k', { intervalMs: Number.POSITIVE_INFINITY, burst: 5 }, T0], 'Rate limit store: limit.intervalMs must be a finite number of ms, at least 0.001, got number Infinity.'],
        [['k', { intervalMs: 0.0004, burst: 5 }, T0], 'Rate limit store: limit.intervalMs must be a finite number of ms, at least 0.001, got number 0.0004.'],
        [['k', { intervalMs: 100, burst: 1.5 }, T0], 'Rate limit store: limit.burst must be a positive integer, got number 1.5.'],
        [['k', { intervalMs: 100, burst: 0 }, T0], 'Rate limit store: limit.burst must be a positive integer, got number 0.'],
        [['k', { intervalMs: 86_400_000, burst: 366 }, T0], 'Rate limit store: limit.intervalMs × limit.burst must be at most 365 days (31536000000 ms), got 31622400000.'],
        [['k', LIMIT, T0, 0], 'Rate limit store: cost must be an integer from 1 to limit.burst (5), got number 0.'],
        [['k', LIMIT, T0, 6], 'Rate limit store: cost must be an integer from 1 to limit.burst (5), got number 6.'],
        [['k', LIMIT, T0, 1.5], 'Rate limit store: cost must be an integer from 1 to limit.burst (5), got number 1.5.'],
        [['k', LIMIT, T0, '2'], 'Rate limit store: cost must be an integer from 1 to limit.burst (5), got a string.'],
        [['k', LIMIT, Number.NaN], 'Rate limit store: now must be a finite number of ms since epoch, from 0 to 2^42, got number NaN.'],
        [['k', LIMIT, -1], 'Rate limit store: now must be a finite number of ms since epoch, from 0 to 2^42, got number -1.'],
        [['k', LIMIT, 2 ** 42], 'Rate limit store: now must be a finite number of ms since epoch, from 0 to 2^42, got number 4398046511104.'],
      ];
      for (const [args, message] of cases) {
        const error = await bad(args).catch((e: unknown) => e);
        expect(error, message).toBeInstanceOf(TypeError);
        expect((error as Error).message).toBe(message);
      }
      await expect(store.reset('')).rejects.toThrow('Rate limit store: key must be a non-empty string of at most 512 characters, got an empty string.');
      expect(await store.consume('k', LIMIT, T0)).toEqual(allowed(4, 1000));
      expect(await store.consume('x'.repeat(512), LIMIT, T0, 5)).toEqual(allowed(0, 5000));
    });
  });
}
