import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { memoryNonceStore } from '../../src/stores/memory/nonce-store.js';
import { NonceStoreFullError } from '../../src/stores/nonce-store.js';
import { LIFE, nonceStoreContract, T0 } from './nonce-store.contract.js';

nonceStoreContract('memory', async () => memoryNonceStore());

const FULL_MESSAGE = 'Nonce store: full (3 unexpired nonces); this claim was refused, so refuse the request. Raise maxEntries, or shorten the nonces\' lifetime.';

describe('memoryNonceStore: the bound fails closed', () => {
  it('rejects a new nonce with NonceStoreFullError when full of unexpired nonces, and still detects replays', async () => {
    const store = memoryNonceStore({ maxEntries: 3 });
    for (const nonce of ['a', 'b', 'c']) expect(await store.claim(nonce, T0 + LIFE, T0)).toBe(true);
    const error = await store.claim('d', T0 + LIFE, T0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonceStoreFullError);
    expect(error).toMatchObject({ name: 'NonceStoreFullError', maxEntries: 3, message: FULL_MESSAGE });
    await expect(store.claim('d', T0 + LIFE, T0 + LIFE - 1)).rejects.toThrow(FULL_MESSAGE); // 1 ms before any expiry: still full
    for (const nonce of ['a', 'b', 'c']) expect(await store.claim(nonce, T0 + LIFE, T0 + 1)).toBe(false); // nothing was forgotten
  });

  it('expired entries make room, in expiry order whatever the insertion order', async () => {
    const store = memoryNonceStore({ maxEntries: 3 });
    expect(await store.claim('long', T0 + 5 * LIFE, T0)).toBe(true);
    expect(await store.claim('mid', T0 + 2 * LIFE, T0)).toBe(true);
    expect(await store.claim('short', T0 + LIFE, T0)).toBe(true);
    expect(await store.claim('new1', T0 + 5 * LIFE, T0 + LIFE)).toBe(true); // 'short' expired: its slot
    await expect(store.claim('new2', T0 + 5 * LIFE, T0 + LIFE)).rejects.toThrow(NonceStoreFullError);
    expect(await store.claim('new2', T0 + 5 * LIFE, T0 + 2 * LIFE)).toBe(true); // 'mid' expired
    expect(await store.claim('long', T0 + 6 * LIFE, T0 + 2 * LIFE)).toBe(false);
    expect(await store.claim('new1', T0 + 6 * LIFE, T0 + 2 * LIFE)).toBe(false);
    await expect(store.claim('short', T0 + 6 * LIFE, T0 + 2 * LIFE)).rejects.toThrow(NonceStoreFullError); // 'short' expired and was forgotten: a new nonce needs room
    expect(await store.claim('short', T0 + 6 * LIFE, T0 + 5 * LIFE)).toBe(true); // all three expired
    expect(await store.claim('x', T0 + 6 * LIFE, T0 + 5 * LIFE)).toBe(true);
    expect(await store.claim('y', T0 + 6 * LIFE, T0 + 5 * LIFE)).toBe(true);
    await expect(store.claim('z', T0 + 6 * LIFE, T0 + 5 * LIFE)).rejects.toThrow(NonceStoreFullError);
  });

  it('re-claiming an expired nonce reuses its slot; its old expiry does not drop the new claim', async () => {
    const store = memoryNonceStore({ maxEntries: 2 });
    expect(await store.claim('a', T0 + LIFE, T0)).toBe(true);
    expect(await store.claim('b', T0 + 3 * LIFE, T0)).toBe(true);
    expect(await store.claim('a', T0 + 4 * LIFE, T0 + LIFE)).toBe(true);
    expect(await store.claim('a', T0 + 5 * LIFE, T0 + 2 * LIFE)).toBe(false);
    expect(await store.claim('b', T0 + 5 * LIFE, T0 + 3 * LIFE)).toBe(true);
    await expect(store.claim('c', T0 + 5 * LIFE, T0 + 3 * LIFE)).rejects.toThrow(NonceStoreFullError);
  });

  it('stays bounded and quick under a long stream of claims with mixed lifetimes', async () => {
    const store = memoryNonceStore({ maxEntries: 1000 });
    const started = performance.now();
    for (let i = 0; i < 50_000; i++) {
      const now = T0 + i;
      expect(await store.claim(`s${i}`, now + 100 + (i % 7) * 100, now)).toBe(true); // at most 700 live at once
    }
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await store.claim('s49999', T0 + 200_000, T0 + 49_999)).toBe(false);
    expect(await store.claim('s0', T0 + 200_000, T0 + 49_999)).toBe(true);
  });
});

describe('memoryNonceStore: options', () => {
  it('names the bad option and the fix', () => {
    expect(() => memoryNonceStore({ maxEntries: 1.5 })).toThrow(
      'Invalid memoryNonceStore options (1 problem):\n  - maxEntries: must be a positive integer, got 1.5. Fix: Use a whole number such as 100_000, or leave it out.',
    );
    expect(() => memoryNonceStore({ maxEntries: 0 })).toThrow(/maxEntries: must be a positive integer, got 0\./);
    expect(() => memoryNonceStore({ maxEntries: '10' as unknown as number })).toThrow(/maxEntries: must be a positive integer, got "10"\./);
    expect(() => memoryNonceStore({ maxEntires: 10 } as unknown as { maxEntries: number })).toThrow(/options\.maxEntires: unknown option\. Fix: .*maxEntries/);
    expect(() => memoryNonceStore(null as unknown as object)).toThrow(
      'Invalid memoryNonceStore options (1 problem):\n  - options: expected an object, got null. Fix: write { maxEntries: 100_000 }.',
    );
    expect(() => memoryNonceStore(null as unknown as object)).toThrow(AegisConfigError);
  });
});
