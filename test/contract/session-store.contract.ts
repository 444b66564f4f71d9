/**
 * The session store contract suite: one set of exact-value tests that every backend (memory,
 * SQLite, Redis) must pass unchanged. Imported by `session-store-<backend>.test.ts`; it is not a
 * test file itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionIdTaken } from '../../src/stores/index.js';
import type { SessionRecord, SessionStore } from '../../src/stores/index.js';

/** A fixed instant so every expected value is exact. */
export const T0 = 1_700_000_000_000;
const MIN = 60_000;

/** A session created at T0 with a 30-minute idle and a 1-hour absolute deadline. */
export function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return { data: {}, createdAt: T0, idleExpiresAt: T0 + 30 * MIN, absoluteExpiresAt: T0 + 60 * MIN, ...overrides };
}

/**
 * Registers the contract tests for one backend.
 * @param name the backend's name, shown in the test titles.
 * @param make returns a fresh, empty store for each test; the suite closes it afterwards.
 */
export function sessionStoreContract(name: string, make: () => Promise<SessionStore>): void {
  describe(`SessionStore contract: ${name}`, () => {
    const opened: SessionStore[] = [];
    async function fresh(): Promise<SessionStore> {
      const store = await make();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    describe('create and get', () => {
      it('returns exactly what was created, with and without a user', async () => {
        const store = await fresh();
        await store.create('s1', record({ data: { a: 1 } }));
        await store.create('s2', record({ data: {}, userId: 'u1' }));
        expect(await store.get('s1', T0)).toEqual({
          data: { a: 1 }, createdAt: T0, idleExpiresAt: T0 + 30 * MIN, absoluteExpiresAt: T0 + 60 * MIN,
        });
        expect(await store.get('s2', T0)).toEqual({
          data: {}, userId: 'u1', createdAt: T0, idleExpiresAt: T0 + 30 * MIN, absoluteExpiresAt: T0 + 60 * MIN,
        });
        expect((await store.get('s1', T0))?.userId).toBeUndefined();
      });

      it('returns undefined for an unknown id', async () => {
        const store = await fresh();
        expect(await store.get('nope', T0)).toBeUndefined();
      });

      it('rejects a duplicate id with SessionIdTaken and keeps the first record', async () => {
        const store = await fresh();
        await store.create('s1', record({ data: { first: true } }));
        const err = await store.create('s1', record({ data: { first: false } })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SessionIdTaken);
        expect((err as Error).message).not.toContain('s1');
        expect((await store.get('s1', T0))?.data).toEqual({ first: true });
      });

      it('returns copies: mutating a returned record or the created one changes nothing stored', async () => {
        const store = await fresh();
        const data = { list: [1, 2], obj: { k: 'v' } };
        await store.create('s1', record({ data }));
        data.list.push(3);
        data.obj.k = 'changed';
        const got = await store.get('s1', T0);
        (got?.data['list'] as number[]).push(99);
        expect((await store.get('s1', T0))?.data).toEqual({ list: [1, 2], obj: { k: 'v' } });
      });

      it('round-trips nested JSON data exactly', async () => {
        const store = await fresh();
        const data = {
          str: 'héllo "quoted" \u2028 \u{1F600}', int: 42, neg: -1.5, zero: 0, big: 2 ** 53 - 1, t: true, f: false,
          nil: null, empty: '', arr: [1, 'two', [3, [4]], { five: 5 }, null], obj: { deep: { deeper: { deepest: ['x'] } } },
          emptyArr: [], emptyObj: {}, 'key with spaces.and:dots': 1,
        };
        await store.create('s1', record({ data }));
        expect(await store.get('s1', T0)).toEqual(record({ data }));
      });
    });

    describe('expiry', () => {
      it('expires at the idle deadline (live one ms before, gone at and after it)', async () => {
        const store = await fresh();
        await store.create('s1', record());
        expect(await store.get('s1', T0 + 30 * MIN - 1)).toBeDefined();
        expect(await store.get('s1', T0 + 30 * MIN)).toBeUndefined();
        expect(await store.get('s1', T0 + 45 * MIN)).toBeUndefined();
      });

      it('expires at the absolute deadline even when the idle deadline is later', async () => {
        const store = await fresh();
        await store.create('s1', record({ idleExpiresAt: T0 + 90 * MIN }));
        expect(await store.get('s1', T0 + 60 * MIN - 1)).toBeDefined();
        expect(await store.get('s1', T0 + 60 * MIN)).toBeUndefined();
      });

      it('expires at the absolute deadline despite activity sliding the idle deadline', async () => {
        const store = await fresh();
        await store.create('s1', record());
        for (const minute of [20, 40, 55]) {
          const updated = await store.update('s1', { idleExpiresAt: T0 + (minute + 30) * MIN }, T0 + minute * MIN);
          expect(updated?.idleExpiresAt).toBe(T0 + (minute + 30) * MIN);
        }
        expect(await store.get('s1', T0 + 59 * MIN)).toBeDefined();
        expect(await store.get('s1', T0 + 60 * MIN)).toBeUndefined();
        expect(await store.update('s1', { set: { a: 1 } }, T0 + 60 * MIN)).toBeUndefined();
      });
    });

    describe('update', () => {
      it('merges keys: two sequential updates of different keys are both kept', async () => {
        const store = await fresh();
        await store.create('s1', record({ data: { keep: 'me' } }));
        expect(await store.update('s1', { set: { a: 1 } }, T0 + MIN)).toEqual(record({ data: { keep: 'me', a: 1 } }));
        expect(await store.update('s1', { set: { b: { nested: [true] } } }, T0 + 2 * MIN)).toEqual(
          record({ data: { keep: 'me', a: 1, b: { nested: [true] } } }),
        );
        expect(await store.get('s1', T0 + 2 * MIN)).toEqual(record({ data: { keep: 'me', a: 1, b: { nested: [true] } } }));
      });

      it('overwrites a key named in set and removes keys named in unset (unset wins over set)', async () => {
        const store = await fresh();
        await store.create('s1', record({ data: { a: 1, b: 2, c: 3 } }));
        const merged = await store.update('s1', { set: { a: 'one', c: 'x' }, unset: ['b', 'c', 'missing'] }, T0);
        expect(merged).toEqual(record({ data: { a: 'one' } }));
        expect((await store.get('s1', T0))?.data).toEqual({ a: 'one' });
      });

      it('an empty change leaves the record as it was and returns it', async () => {
        const store = await fresh();
        await store.create('s1', record({ data: { a: 1 }, userId: 'u1' }));
        expect(await store.update('s1', {}, T0)).toEqual(record({ data: { a: 1 }, userId: 'u1' }));
      });

      it('slides the idle deadline and never touches createdAt or the absolute deadline', async () => {
        const store = await fresh();
        await store.create('s1', record());
        const merged = await store.update('s1', { idleExpiresAt: T0 + 50 * MIN }, T0 + 20 * MIN);
        expect(merged).toEqual(record({ idleExpiresAt: T0 + 50 * MIN }));
        expect(await store.get('s1', T0 + 40 * MIN)).toEqual(record({ idleExpiresAt: T0 + 50 * MIN }));
      });

      it('sets, changes and clears the user, and the user index follows', async () => {
        const store = await fresh();
        await store.create('s1', record());
        expect(await store.listByUser('alice', T0)).toEqual([]);

        expect((await store.update('s1', { userId: 'alice' }, T0))?.userId).toBe('alice');
        expect(await store.listByUser('alice', T0)).toEqual([['s1', record({ userId: 'alice' })]]);

        expect((await store.update('s1', { userId: 'bob' }, T0))?.userId).toBe('bob');
        expect(await store.listByUser('alice', T0)).toEqual([]);
        expect(await store.listByUser('bob', T0)).toEqual([['s1', record({ userId: 'bob' })]]);

        const cleared = await store.update('s1', { userId: null }, T0);
        expect(cleared).toEqual(record());
        expect(cleared && 'userId' in cleared ? cleared.userId : undefined).toBeUndefined();
        expect(await store.listByUser('bob', T0)).toEqual([]);
        expect(await store.destroyByUser('bob')).toBe(0);
        expect(await store.get('s1', T0)).toEqual(record());
      });

      it('keeps the user when the change does not name it', async () => {
        const store = await fresh();
        await store.create('s1', record({ userId: 'alice' }));
        expect((await store.update('s1', { set: { a: 1 } }, T0))?.userId).toBe('alice');
      });

      it('returns undefined and writes nothing for an unknown, destroyed or expired session', async () => {
        const store = await fresh();
        expect(await store.update('nope', { set: { a: 1 } }, T0)).toBeUndefined();
        expect(await store.get('nope', T0)).toBeUndefined();

        await store.create('gone', record());
        await store.destroy('gone');
        expect(await store.update('gone', { set: { a: 1 } }, T0)).toBeUndefined();
        expect(await store.get('gone', T0)).toBeUndefined();

        await store.create('old', record({ data: { a: 0 } }));
        expect(await store.update('old', { set: { a: 1 }, idleExpiresAt: T0 + 59 * MIN }, T0 + 30 * MIN)).toBeUndefined();
        // Not revived by the refused update: still expired at a time before the would-be new deadline.
        expect(await store.get('old', T0 + 40 * MIN)).toBeUndefined();
      });

      it('keeps every one of 20 concurrent updates to distinct keys', async () => {
        const store = await fresh();
        await store.create('s1', record({ data: { base: 0 } }));
        const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
        const results = await Promise.all(keys.map((k, i) => store.update('s1', { set: { [k]: i } }, T0)));
        for (const [i, r] of results.entries()) expect(r?.data[`k${i}`]).toBe(i);
        const expected: Record<string, unknown> = { base: 0 };
        for (const [i, k] of keys.entries()) expected[k] = i;
        expect((await store.get('s1', T0))?.data).toEqual(expected);
      });
    });

    describe('rotate', () => {
      it('moves the session to the new id: the old id stops working at once', async () => {
        const store = await fresh();
        await store.create('old', record({ data: { cart: [1] }, userId: 'alice' }));
        const next = record({ data: { cart: [1], role: 'admin' }, userId: 'alice', createdAt: T0 + MIN });
        expect(await store.rotate('old', 'new', next)).toBe(true);
        expect(await store.get('old', T0 + MIN)).toBeUndefined();
        expect(await store.get('new', T0 + MIN)).toEqual(next);
        expect(await store.update('old', { set: { a: 1 } }, T0 + MIN)).toBeUndefined();
        expect(await store.destroy('old')).toBe(false);
        expect(await store.listByUser('alice', T0 + MIN)).toEqual([['new', next]]);
      });

      it('moves the user index when the user changes on rotation (sign-in)', async () => {
        const store = await fresh();
        await store.create('anon', record({ data: { returnTo: '/x' } }));
        expect(await store.rotate('anon', 'signed', record({ userId: 'bob' }))).toBe(true);
        expect(await store.listByUser('bob', T0)).toEqual([['signed', record({ userId: 'bob' })]]);
        expect(await store.rotate('signed', 's3', record())).toBe(true);
        expect(await store.listByUser('bob', T0)).toEqual([]);
      });

      it('returns false and creates nothing when the old id is gone', async () => {
        const store = await fresh();
        expect(await store.rotate('never', 'new', record({ userId: 'alice' }))).toBe(false);
        expect(await store.get('new', T0)).toBeUndefined();
        expect(await store.listByUser('alice', T0)).toEqual([]);

        await store.create('old', record());
        await store.destroy('old');
        expect(await store.rotate('old', 'new2', record())).toBe(false);
        expect(await store.get('new2', T0)).toBeUndefined();
      });

      it('throws SessionIdTaken when the new id is taken, leaving both sessions as they were', async () => {
        const store = await fresh();
        await store.create('old', record({ data: { who: 'old' } }));
        await store.create('taken', record({ data: { who: 'taken' } }));
        const err = await store.rotate('old', 'taken', record({ data: { who: 'new' } })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SessionIdTaken);
        expect((await store.get('old', T0))?.data).toEqual({ who: 'old' });
        expect((await store.get('taken', T0))?.data).toEqual({ who: 'taken' });
      });
    });

    describe('destroy', () => {
      it('destroys one session and reports whether it existed', async () => {
        const store = await fresh();
        await store.create('s1', record({ userId: 'alice' }));
        await store.create('s2', record({ userId: 'alice' }));
        expect(await store.destroy('s1')).toBe(true);
        expect(await store.destroy('s1')).toBe(false);
        expect(await store.destroy('never')).toBe(false);
        expect(await store.get('s1', T0)).toBeUndefined();
        expect(await store.get('s2', T0)).toEqual(record({ userId: 'alice' }));
        expect(await store.listByUser('alice', T0)).toEqual([['s2', record({ userId: 'alice' })]]);
      });

      it('lets the id be created again after destroy', async () => {
        const store = await fresh();
        await store.create('s1', record({ data: { v: 1 } }));
        await store.destroy('s1');
        await store.create('s1', record({ data: { v: 2 } }));
        expect((await store.get('s1', T0))?.data).toEqual({ v: 2 });
      });
    });

    describe('listByUser and destroyByUser', () => {
      it("lists only that user's live sessions, ordered by createdAt then id", async () => {
        const store = await fresh();
        const a3 = record({ userId: 'alice', createdAt: T0 + 2 * MIN, data: { n: 3 } });
        const a1 = record({ userId: 'alice', createdAt: T0, data: { n: 1 } });
        const a2 = record({ userId: 'alice', createdAt: T0, data: { n: 2 } });
        const expired = record({ userId: 'alice', idleExpiresAt: T0 + 5 * MIN });
        await store.create('c', a3);
        await store.create('b', a2);
        await store.create('a', a1);
        await store.create('x', expired);
        await store.create('bob1', record({ userId: 'bob' }));
        await store.create('anon', record());
        expect(await store.listByUser('alice', T0 + 10 * MIN)).toEqual([['a', a1], ['b', a2], ['c', a3]]);
        expect((await store.listByUser('alice', T0)).map(([id]) => id)).toEqual(['a', 'b', 'x', 'c']);
        expect(await store.listByUser('bob', T0)).toEqual([['bob1', record({ userId: 'bob' })]]);
        expect(await store.listByUser('carol', T0)).toEqual([]);
        expect(await store.listByUser('alice', T0 + 60 * MIN)).toEqual([]);
      });

      it("destroys every session of the user and only those, returning the count", async () => {
        const store = await fresh();
        await store.create('a1', record({ userId: 'alice' }));
        await store.create('a2', record({ userId: 'alice', data: { device: 'phone' } }));
        await store.create('b1', record({ userId: 'bob' }));
        await store.create('anon', record());
        expect(await store.destroyByUser('alice')).toBe(2);
        expect(await store.get('a1', T0)).toBeUndefined();
        expect(await store.get('a2', T0)).toBeUndefined();
        expect(await store.listByUser('alice', T0)).toEqual([]);
        expect(await store.get('b1', T0)).toEqual(record({ userId: 'bob' }));
        expect(await store.get('anon', T0)).toEqual(record());
        expect(await store.destroyByUser('alice')).toBe(0);
        expect(await store.destroyByUser('nobody')).toBe(0);
      });

      it('revokes sessions that gained the user through update, and none that lost it', async () => {
        const store = await fresh();
        await store.create('s1', record());
        await store.create('s2', record({ userId: 'alice' }));
        await store.update('s1', { userId: 'alice' }, T0);
        await store.update('s2', { userId: null }, T0);
        expect(await store.destroyByUser('alice')).toBe(1);
        expect(await store.get('s1', T0)).toBeUndefined();
        expect(await store.get('s2', T0)).toEqual(record());
      });

      it('lets a revoked user sign in again', async () => {
        const store = await fresh();
        await store.create('s1', record({ userId: 'alice' }));
        await store.destroyByUser('alice');
        await store.create('s2', record({ userId: 'alice' }));
        expect(await store.listByUser('alice', T0)).toEqual([['s2', record({ userId: 'alice' })]]);
      });
    });
  });
}
