/**
 * The nonce store contract suite: exact answers that every backend (memory, SQLite, Redis) must
 * give, unchanged. Imported by `nonce-store-<backend>.test.ts` and the Redis integration test; it
 * is not a test file itself.
 *
 * Times are simulated from {@link T0}. Redis also sets a real TTL of `expiresAt − now` on each
 * claim, so every simulated lifetime here is at least 10 s: no key can expire in real time during a
 * test. Real expiry is tested in the Redis integration file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_NONCE_LENGTH } from '../../src/stores/nonce-store.js';
import type { NonceStore } from '../../src/stores/nonce-store.js';

/** A fixed instant so every expected value is exact. */
export const T0 = 1_700_000_000_000;
/** A nonce lifetime long enough that Redis's real TTL never runs out during one test. */
export const LIFE = 10_000;

/** What a claim on a closed store rejects with, in every backend. */
export const CLOSED = /^This (memory|SQLite|Redis) nonce store is closed; make a new one with (memory|sqlite|redis)NonceStore\(\)\.$/;

/**
 * Registers the contract tests for one backend.
 * @param name the backend's name, shown in the test titles.
 * @param make returns a fresh, empty store for each test; the suite closes it afterwards.
 */
export function nonceStoreContract(name: string, make: () => Promise<NonceStore>): void {
  describe(`NonceStore contract: ${name}`, () => {
    const opened: NonceStore[] = [];
    async function fresh(): Promise<NonceStore> {
      const store = await make();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('the first claim is fresh; a second before expiry is a replay, whatever expiry it asks for', async () => {
      const store = await fresh();
      expect(await store.claim('n1', T0 + LIFE, T0)).toBe(true);
      expect(await store.claim('n1', T0 + LIFE, T0)).toBe(false);
      expect(await store.claim('n1', T0 + 5 * LIFE, T0 + 1)).toBe(false);
      expect(await store.claim('n1', T0 + LIFE + 1, T0 + LIFE - 1)).toBe(false);
    });

    it('keeps nonces independent and compares them exactly', async () => {
      const store = await fresh();
      expect(await store.claim('n1', T0 + LIFE, T0)).toBe(true);
      const others = ['n2', 'N1', 'n1 ', ' n1', 'n', 'n10', 'nonce:n1', 'é', 'e\u0301', '🔑', 'x'.repeat(MAX_NONCE_LENGTH)];
      for (const other of others) expect(await store.claim(other, T0 + LIFE, T0), other).toBe(true);
      for (const other of ['n1', ...others]) expect(await store.claim(other, T0 + LIFE, T0), other).toBe(false);
    });

    it('frees a nonce exactly at its expiry (now >= expiresAt), and the new claim holds until its own', async () => {
      const store = await fresh();
      expect(await store.claim('n', T0 + LIFE, T0)).toBe(true);
      expect(await store.claim('n', T0 + 2 * LIFE, T0 + LIFE - 1)).toBe(false);
      expect(await store.claim('n', T0 + 2 * LIFE, T0 + LIFE)).toBe(true);
      expect(await store.claim('n', T0 + 3 * LIFE, T0 + LIFE)).toBe(false);
      expect(await store.claim('n', T0 + 3 * LIFE, T0 + 2 * LIFE - 1)).toBe(false);
      expect(await store.claim('n', T0 + 4 * LIFE, T0 + 2 * LIFE + 5)).toBe(true);
    });

    it('a replay does not extend the stored claim', async () => {
      const store = await fresh();
      expect(await store.claim('n', T0 + LIFE, T0)).toBe(true);
      expect(await store.claim('n', T0 + 10 * LIFE, T0 + 1000)).toBe(false);
      expect(await store.claim('n', T0 + 2 * LIFE, T0 + LIFE)).toBe(true);
    });

    it('compares fractional milliseconds exactly', async () => {
      const store = await fresh();
      expect(await store.claim('f', T0 + LIFE + 0.5, T0 + 0.25)).toBe(true);
      expect(await store.claim('f', T0 + 2 * LIFE, T0 + LIFE + 0.25)).toBe(false);
      expect(await store.claim('f', T0 + 2 * LIFE, T0 + LIFE + 0.5)).toBe(true);
    });

    it('of 200 concurrent claims of one nonce exactly one is fresh; 200 distinct nonces are all fresh', async () => {
      const store = await fresh();
      const same = await Promise.all(Array.from({ length: 200 }, () => store.claim('race', T0 + LIFE, T0)));
      expect(same.filter(Boolean).length).toBe(1);
      const distinct = await Promise.all(Array.from({ length: 200 }, (_, i) => store.claim(`d${i}`, T0 + LIFE, T0)));
      expect(distinct.every((fresh) => fresh === true)).toBe(true);
      const again = await Promise.all(Array.from({ length: 200 }, (_, i) => store.claim(`d${i}`, T0 + LIFE, T0 + 1)));
      expect(again.some(Boolean)).toBe(false);
    });

    it('refuses arguments outside the contract with a TypeError naming them, and records nothing', async () => {
      const store = await fresh();
      const bad = (args: unknown[]): Promise<unknown> => (store.claim as (...a: unknown[]) => Promise<unknown>)(...args);
      const cases: Array<[unknown[], string]> = [
        [['', T0 + LIFE, T0], 'Nonce store: nonce must be a non-empty string of at most 512 characters, got an empty string.'],
        [['x'.repeat(513), T0 + LIFE, T0], 'Nonce store: nonce must be a non-empty string of at most 512 characters, got 513 characters.'],
        [[42, T0 + LIFE, T0], 'Nonce store: nonce must be a non-empty string of at most 512 characters, got number 42.'],
        [[undefined, T0 + LIFE, T0], 'Nonce store: nonce must be a non-empty string of at most 512 characters, got undefined.'],
        [[['n'], T0 + LIFE, T0], 'Nonce store: nonce must be a non-empty string of at most 512 characters, got an array.'],
        [['n', Number.NaN, T0], 'Nonce store: expiresAt must be a finite number of ms since epoch, from 0 to 2^42, got number NaN.'],
        [['n', Number.POSITIVE_INFINITY, T0], 'Nonce store: expiresAt must be a finite number of ms since epoch, from 0 to 2^42, got number Infinity.'],
        [['n', 2 ** 42, T0], 'Nonce store: expiresAt must be a finite number of ms since epoch, from 0 to 2^42, got number 4398046511104.'],
        [['n', String(T0 + LIFE), T0], 'Nonce store: expiresAt must be a finite number of ms since epoch, from 0 to 2^42, got a string.'],
        [['n', T0 + LIFE, -1], 'Nonce store: now must be a finite number of ms since epoch, from 0 to 2^42, got number -1.'],
        [['n', T0 + LIFE, undefined], 'Nonce store: now must be a finite number of ms since epoch, from 0 to 2^42, got undefined.'],
        [['n', T0 + LIFE, null], 'Nonce store: now must be a finite number of ms since epoch, from 0 to 2^42, got null.'],
        [['n', T0, T0], 'Nonce store: expiresAt must be later than now, got expiresAt 1700000000000 and now 1700000000000.'],
        [['n', T0 - 1, T0], 'Nonce store: expiresAt must be later than now, got expiresAt 1699999999999 and now 1700000000000.'],
      ];
      for (const [args, message] of cases) {
        const error = await bad(args).catch((e: unknown) => e);
        expect(error, message).toBeInstanceOf(TypeError);
        expect((error as Error).message).toBe(message);
      }
      expect(await store.claim('n', T0 + LIFE, T0)).toBe(true);
      expect(await store.claim('x'.repeat(512), T0 + LIFE, T0)).toBe(true);
      expect(await store.claim('edge', 2 ** 42 - 1, 2 ** 42 - 2)).toBe(true); // the largest instants accepted (a 1 ms TTL)
    });

    it('close() resolves (twice too); a closed store refuses claims instead of forgetting nonces', async () => {
      const store = await fresh();
      expect(await store.claim('n', T0 + LIFE, T0)).toBe(true);
      await store.close();
      await store.close();
      await expect(store.claim('n', T0 + LIFE, T0)).rejects.toThrow(CLOSED);
      await expect(store.claim('other', T0 + LIFE, T0)).rejects.toThrow(CLOSED);
      await expect(store.claim('', T0 + LIFE, T0)).rejects.toThrow(TypeError); // arguments are still checked first
    });
  });
}
