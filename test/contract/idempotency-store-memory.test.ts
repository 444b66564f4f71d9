import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { IdempotencyStoreFullError } from '../../src/stores/idempotency-store.js';
import type { IdempotencyStore, StoredResponse } from '../../src/stores/idempotency-store.js';
import { MEMORY_RECORD_OVERHEAD_BYTES, memoryIdempotencyStore } from '../../src/stores/memory/idempotency-store.js';
import { acquire, ACQUIRED, completedWith, idempotencyStoreContract, LOCK_MS, plain, RUNNING, T0, TTL_MS } from './idempotency-store.contract.js';

idempotencyStoreContract('memory', async () => memoryIdempotencyStore());

const FULL =
  'Memory idempotency store is full (maxEntries 2, maxBytes 67108864): only running records are left, and they are never evicted. Raise maxEntries or maxBytes, or shorten the lock.';

/** A response of `size` body bytes and no headers. */
const sized = (size: number): StoredResponse => ({ status: 200, headers: [], body: Buffer.alloc(size, 0xab) });

async function completeNew(store: IdempotencyStore, key: string, response: StoredResponse, now = T0, ttlMs = TTL_MS): Promise<void> {
  const token = await acquire(store, key, 'fp', now);
  expect(await store.complete(key, token, response, now, ttlMs)).toBe(true);
}

describe('memoryIdempotencyStore: the bounds', () => {
  it('evicts the completed record STORED longest ago (replays do not refresh it); a later repeat of it runs again', async () => {
    const store = memoryIdempotencyStore({ maxEntries: 3 });
    const tokens = { a: await acquire(store, 'a', 'fp'), b: await acquire(store, 'b', 'fp'), c: await acquire(store, 'c', 'fp') };
    expect(await store.complete('b', tokens.b, sized(1), T0, TTL_MS)).toBe(true);
    expect(await store.complete('a', tokens.a, sized(2), T0, TTL_MS)).toBe(true);
    expect(await store.complete('c', tokens.c, sized(3), T0, TTL_MS)).toBe(true);
    expect(plain(await store.begin('b', 'fp', T0, LOCK_MS))).toEqual(completedWith(sized(1))); // a replay, not a store
    await acquire(store, 'd', 'fp'); // b goes
    expect(plain(await store.begin('a', 'fp', T0, LOCK_MS))).toEqual(completedWith(sized(2)));
    expect(plain(await store.begin('c', 'fp', T0, LOCK_MS))).toEqual(completedWith(sized(3)));
    await acquire(store, 'b', 'fp'); // forgotten: runs again; a goes to make room
    expect(plain(await store.begin('c', 'fp', T0, LOCK_MS))).toEqual(completedWith(sized(3)));
    expect(plain(await store.begin('d', 'fp', T0, LOCK_MS))).toEqual(RUNNING);
    expect(plain(await store.begin('b', 'fp', T0, LOCK_MS))).toEqual(RUNNING);
    expect(plain(await store.begin('a', 'fp', T0, LOCK_MS))).toEqual(ACQUIRED); // c goes
  });

  it('drops records expired at now (running or completed) before any live completed record', async () => {
    const store = memoryIdempotencyStore({ maxEntries: 3 });
    await completeNew(store, 'old', sized(1), T0, 1_000_000);
    await completeNew(store, 'short', sized(1), T0, 1_000);
    await acquire(store, 'locked', 'fp', T0, 1_000);
    const now = T0 + 5_000;
    await acquire(store, 'new1', 'fp', now);
    await acquire(store, 'new2', 'fp', now); // the sweep at new1 left room: nothing live evicted
    expect(plain(await store.begin('old', 'fp', now, LOCK_MS))).toEqual(completedWith(sized(1)));
    expect(plain(await store.begin('new1', 'fp', now, LOCK_MS))).toEqual(RUNNING);
  });

  it('never evicts a running record: full of them, begin rejects with IdempotencyStoreFullError and writes nothing', async () => {
    const store = memoryIdempotencyStore({ maxEntries: 2 });
    const a = await acquire(store, 'a', 'fp');
    await acquire(store, 'b', 'fp');
    const error = await store.begin('c', 'fp', T0, LOCK_MS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyStoreFullError);
    expect((error as Error).name).toBe('IdempotencyStoreFullError');
    expect((error as Error).message).toBe(FULL);
    await expect(store.begin('c', 'fp', T0 + LOCK_MS - 1, LOCK_MS)).rejects.toThrow(FULL);
    expect(plain(await store.begin('a', 'fp', T0, LOCK_MS))).toEqual(RUNNING); // a known key is still answered
    await store.release('a', a);
    await acquire(store, 'c', 'fp', T0 + 1);
    await acquire(store, 'd', 'fp', T0 + LOCK_MS); // b's lock ran out: b is dropped, c is still locked
    expect(plain(await store.begin('c', 'fp', T0 + LOCK_MS, LOCK_MS))).toEqual(RUNNING);
    expect(plain(await store.begin('b', 'fp', T0 + LOCK_MS + 1, LOCK_MS))).toEqual(ACQUIRED); // c's lock ran out at T0 + 1 + LOCK_MS: c is dropped for b
    await expect(store.begin('e', 'fp', T0 + LOCK_MS + 1, LOCK_MS)).rejects.toThrow(IdempotencyStoreFullError);
  });

  it(`counts maxBytes as ${MEMORY_RECORD_OVERHEAD_BYTES} + 2 × (key + fingerprint + header lengths) + body bytes per record`, async () => {
    const running = MEMORY_RECORD_OVERHEAD_BYTES + 2 * (1 + 2); // key 'a', fingerprint 'fp'
    const done = running + 300;
    const store = memoryIdempotencyStore({ maxBytes: 2 * done + running }); // a, b completed + one running fit exactly
    await completeNew(store, 'a', sized(300));
    await completeNew(store, 'b', sized(300));
    await acquire(store, 'c', 'fp');
    expect(plain(await store.begin('a', 'fp', T0, LOCK_MS))).toEqual(completedWith(sized(300)));
    await acquire(store, 'd', 'fp'); // one byte too many: a (stored first) goes
    expect(plain(await store.begin('b', 'fp', T0, LOCK_MS))).toEqual(completedWith(sized(300)));
    expect(plain(await store.begin('a', 'fp', T0, LOCK_MS))).toEqual(ACQUIRED); // b goes
    const headers = memoryIdempotencyStore({ maxBytes: running + 2 * (4 + 6) + 10 });
    const token = await acquire(headers, 'a', 'fp');
    expect(await headers.complete('a', token, { status: 200, headers: [['x-ab', 'value1']], body: Buffer.alloc(10) }, T0, TTL_MS)).toBe(true);
    const other = await acquire(headers, 'a', 'fp', T0 + TTL_MS); // expired: replaced in place
    expect(await headers.complete('a', other, { status: 200, headers: [['x-ab', 'value1']], body: Buffer.alloc(11) }, T0, TTL_MS).catch((e: unknown) => e)).toBeInstanceOf(IdempotencyStoreFullError);
  });

  it('a complete that needs room evicts older completed records; one that cannot fit rejects and leaves its record running', async () => {
    const running = MEMORY_RECORD_OVERHEAD_BYTES + 2 * (1 + 2);
    const store = memoryIdempotencyStore({ maxBytes: 1_000 });
    await completeNew(store, 'a', sized(300)); // 434 bytes
    const b = await acquire(store, 'b', 'fp'); // 568 in all
    expect(await store.complete('b', b, sized(1_000 - running - 1), T0, TTL_MS)).toBe(true); // 999 for b alone: a goes
    expect(plain(await store.begin('a', 'fp', T0, LOCK_MS))).toEqual(ACQUIRED);
    const huge = await acquire(store, 'h', 'fp', T0 + TTL_MS); // a and b expired: swept
    const error = await store.complete('h', huge, sized(1_000), T0 + TTL_MS, TTL_MS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyStoreFullError);
    expect((error as Error).message).toBe(FULL.replace('maxEntries 2, maxBytes 67108864', 'maxEntries 10000, maxBytes 1000'));
    expect(plain(await store.begin('h', 'fp', T0 + TTL_MS, LOCK_MS))).toEqual(RUNNING);
    await store.release('h', huge);
    expect(plain(await store.begin('h', 'fp', T0 + TTL_MS, LOCK_MS))).toEqual(ACQUIRED);
  });

  it('does not grow past maxEntries under a flood of new keys', async () => {
    const store = memoryIdempotencyStore({ maxEntries: 100 });
    for (let i = 0; i < 5_000; i++) await completeNew(store, `flood${i}`, sized(4));
    expect(plain(await store.begin('flood4899', 'fp', T0, LOCK_MS))).toEqual(ACQUIRED); // forgotten
    expect(plain(await store.begin('flood4999', 'fp', T0, LOCK_MS))).toEqual(completedWith(sized(4))); // kept
  });
});

describe('memoryIdempotencyStore: options', () => {
  it('names the bad option and the fix', () => {
    expect(() => memoryIdempotencyStore({ maxEntries: 0 })).toThrow(AegisConfigError);
    expect(() => memoryIdempotencyStore({ maxEntries: 1.5 })).toThrow(
      'Invalid memoryIdempotencyStore options (1 problem):\n  - maxEntries: must be a positive integer, got 1.5. Fix: Use a whole number such as 10_000, or leave it out.',
    );
    expect(() => memoryIdempotencyStore({ maxBytes: 'lots' as '1mb', maxEntries: -1 })).toThrow(
      [
        'Invalid memoryIdempotencyStore options (2 problems):',
        '  - maxEntries: must be a positive integer, got -1. Fix: Use a whole number such as 10_000, or leave it out.',
        "  - maxBytes: \"lots\" is not a size. Fix: give bytes (1048576) or a size string ('1mb', '64kb').",
      ].join('\n'),
    );
    expect(() => memoryIdempotencyStore({ maxBytes: 0 })).toThrow(/maxBytes: must be at least 1 byte, got 0\./);
    expect(() => memoryIdempotencyStore({ maxEntry: 5 } as object)).toThrow(/options\.maxEntry: unknown option\. Fix: .*maxEntries/);
    expect(() => memoryIdempotencyStore(null as unknown as object)).toThrow(AegisConfigError);
    expect(() => memoryIdempotencyStore({ maxBytes: '64mb', maxEntries: 10 })).not.toThrow();
  });
});
