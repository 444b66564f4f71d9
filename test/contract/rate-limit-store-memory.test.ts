import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { memoryRateLimitStore } from '../../src/stores/index.js';
import { allowed, denied, LIMIT, rateLimitStoreContract, T0 } from './rate-limit-store.contract.js';

rateLimitStoreContract('memory', async () => memoryRateLimitStore());

describe('memoryRateLimitStore: the bound', () => {
  it('keeps at most maxKeys: the least recently used key is dropped first', async () => {
    const store = memoryRateLimitStore({ maxKeys: 3, clock: () => T0 });
    for (const key of ['a', 'b', 'c']) await store.consume(key, LIMIT, T0, 5);
    await store.consume('a', LIMIT, T0); // denied, but a use: b is now the least recently used
    await store.consume('d', LIMIT, T0, 5);
    expect(await store.consume('b', LIMIT, T0)).toEqual(allowed(4, 1000)); // b was forgotten; c is dropped for it
    expect(await store.consume('a', LIMIT, T0)).toEqual(denied(1000, 5000));
    expect(await store.consume('d', LIMIT, T0)).toEqual(denied(1000, 5000));
    expect(await store.consume('c', LIMIT, T0)).toEqual(allowed(4, 1000));
  });

  it('drops keys whose TAT is past before any live key, however recently used', async () => {
    let now = T0;
    const store = memoryRateLimitStore({ maxKeys: 3, clock: () => now });
    await store.consume('live-old', { intervalMs: 100_000, burst: 5 }, T0, 5); // TAT T0 + 500 s
    await store.consume('short1', LIMIT, T0); // TAT T0 + 1 s
    await store.consume('short2', LIMIT, T0);
    now = T0 + 10_000;
    await store.consume('new1', LIMIT, now);
    await store.consume('new2', LIMIT, now); // room left by short2: no live key evicted
    expect(await store.consume('live-old', { intervalMs: 100_000, burst: 5 }, now)).toEqual(denied(90_000, 490_000));
    expect(await store.consume('new1', LIMIT, now)).toEqual(allowed(3, 2000));
  });

  it('does not grow past the bound under a flood of new keys', async () => {
    const store = memoryRateLimitStore({ maxKeys: 100, clock: () => T0 });
    for (let i = 0; i < 5_000; i++) await store.consume(`flood${i}`, LIMIT, T0, 5);
    expect(await store.consume('flood4899', LIMIT, T0)).toEqual(allowed(4, 1000)); // forgotten
    expect(await store.consume('flood4999', LIMIT, T0)).toEqual(denied(1000, 5000)); // kept
  });

  it('a denied request for a stored key never evicts another', async () => {
    const store = memoryRateLimitStore({ maxKeys: 2, clock: () => T0 });
    await store.consume('a', LIMIT, T0, 5);
    await store.consume('b', LIMIT, T0, 5);
    for (let i = 0; i < 10; i++) expect(await store.consume('a', LIMIT, T0)).toEqual(denied(1000, 5000));
    expect(await store.consume('b', LIMIT, T0)).toEqual(denied(1000, 5000));
  });
});

describe('memoryRateLimitStore: options', () => {
  it('names the bad option and the fix', () => {
    expect(() => memoryRateLimitStore({ maxKeys: 0 })).toThrow(AegisConfigError);
    expect(() => memoryRateLimitStore({ maxKeys: 1.5 })).toThrow(
      'Invalid memoryRateLimitStore options (1 problem):\n  - maxKeys: must be a positive integer, got 1.5. Fix: Use a whole number such as 100_000, or leave it out.',
    );
    expect(() => memoryRateLimitStore({ clock: 5 as unknown as () => number })).toThrow(/clock: must be a function/);
    expect(() => memoryRateLimitStore(null as unknown as object)).toThrow(AegisConfigError);
  });
});
