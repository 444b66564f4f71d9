/**
 * The idempotency store contract suite: exact outcomes that every backend (memory, SQLite, Redis)
 * must give, unchanged. Imported by `idempotency-store-<backend>.test.ts` and the Redis integration
 * test; it is not a test file itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../src/stores/idempotency-store.js';

/** A fixed instant so every expected value is exact. */
export const T0 = 1_700_000_000_000;
/**
 * The lock and the record lifetime the tests use: whole tens of seconds, so that Redis's TTLs
 * (real time, set from these simulated durations) cannot run out between two calls of one test.
 */
export const LOCK_MS = 30_000;
export const TTL_MS = 60_000;

/** A response whose body holds the bytes a text decoding would break: 0x00, 0xff, a lone continuation byte. */
export const RESPONSE: StoredResponse = {
  status: 201,
  headers: [
    ['content-type', 'application/octet-stream'],
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
    ['x-empty', ''],
    ['x-unicode', 'caf\u00e9 \u2713'],
  ],
  body: Buffer.from([0x00, 0xff, 0x00, 0x80, 0xfe, 0x7f, 0xc3, 0x28, 0x00]),
};

/** An outcome with its body as hex, for exact comparison whatever Uint8Array subclass a backend returns. */
export function plain(outcome: IdempotencyBegin): unknown {
  if (outcome.state === 'acquired') return { state: 'acquired', token: typeof outcome.token };
  if (outcome.state !== 'completed') return outcome;
  const { status, headers, body } = outcome.response;
  return { state: 'completed', response: { status, headers: headers.map(([n, v]) => [n, v]), body: Buffer.from(body).toString('hex') } };
}

/** {@link plain} of a completed outcome with `response`. */
export function completedWith(response: StoredResponse): unknown {
  return { state: 'completed', response: { status: response.status, headers: response.headers.map(([n, v]) => [n, v]), body: Buffer.from(response.body).toString('hex') } };
}

export const ACQUIRED = { state: 'acquired', token: 'string' };
export const RUNNING = { state: 'running' };
export const MISMATCH = { state: 'mismatch' };

/** `begin` that must acquire: returns the token. */
export async function acquire(store: IdempotencyStore, key: string, fingerprint: string, now = T0, lockMs = LOCK_MS): Promise<string> {
  const outcome = await store.begin(key, fingerprint, now, lockMs);
  if (outcome.state !== 'acquired') throw new Error(`expected acquired for ${key}, got ${JSON.stringify(outcome)}`);
  expect(outcome.token).toMatch(/^[0-9a-f-]{32,36}$/);
  return outcome.token;
}

/**
 * Registers the contract tests for one backend.
 * @param name the backend's name, shown in the test titles.
 * @param make returns a fresh, empty store for each test; the suite closes it afterwards.
 */
export function idempotencyStoreContract(name: string, make: () => Promise<IdempotencyStore>): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    const opened: IdempotencyStore[] = [];
    async function fresh(): Promise<IdempotencyStore> {
      const store = await make();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('acquired → running (same fingerprint) → mismatch (other) → completed with the exact response → mismatch still', async () => {
      const store = await fresh();
      const token = await acquire(store, 'k', 'fp-a');
      expect(plain(await store.begin('k', 'fp-a', T0 + 1, LOCK_MS))).toEqual(RUNNING);
      expect(plain(await store.begin('k', 'fp-b', T0 + 2, LOCK_MS))).toEqual(MISMATCH);
      expect(await store.complete('k', token, RESPONSE, T0 + 3, TTL_MS)).toBe(true);
      const replay = await store.begin('k', 'fp-a', T0 + 4, LOCK_MS);
      expect(plain(replay)).toEqual(completedWith(RESPONSE));
      expect(replay.state === 'completed' && Buffer.from(replay.response.body).equals(Buffer.from([0x00, 0xff, 0x00, 0x80, 0xfe, 0x7f, 0xc3, 0x28, 0x00]))).toBe(true);
      expect(replay.state === 'completed' && replay.response.body instanceof Uint8Array).toBe(true);
      expect(plain(await store.begin('k', 'fp-b', T0 + 5, LOCK_MS))).toEqual(MISMATCH);
      expect(plain(await store.begin('k', 'fp-a', T0 + 6, LOCK_MS))).toEqual(completedWith(RESPONSE));
      // A second complete with the spent token stores nothing.
      expect(await store.complete('k', token, { status: 500, headers: [], body: Buffer.from('no') }, T0 + 7, TTL_MS)).toBe(false);
      expect(plain(await store.begin('k', 'fp-a', T0 + 8, LOCK_MS))).toEqual(completedWith(RESPONSE));
    });

    it('keeps an empty body, a 100 and a 599 status, and no headers, exactly', async () => {
      const store = await fresh();
      const cases: StoredResponse[] = [
        { status: 204, headers: [], body: new Uint8Array(0) },
        { status: 100, headers: [['x', 'y']], body: new Uint8Array([0]) },
        { status: 599, headers: [], body: Buffer.alloc(70_000, 0xff) },
      ];
      for (const [i, response] of cases.entries()) {
        const token = await acquire(store, `k${i}`, 'fp');
        expect(await store.complete(`k${i}`, token, response, T0, TTL_MS)).toBe(true);
        expect(plain(await store.begin(`k${i}`, 'fp', T0, LOCK_MS))).toEqual(completedWith(response));
      }
    });

    it('a wrong token completes nothing and leaves the owner in charge', async () => {
      const store = await fresh();
      const token = await acquire(store, 'k', 'fp');
      const other = await acquire(store, 'other', 'fp');
      expect(await store.complete('k', other, RESPONSE, T0, TTL_MS)).toBe(false);
      expect(await store.complete('k', '00000000-0000-4000-8000-000000000000', RESPONSE, T0, TTL_MS)).toBe(false);
      expect(await store.complete('never-begun', token, RESPONSE, T0, TTL_MS)).toBe(false);
      expect(plain(await store.begin('k', 'fp', T0, LOCK_MS))).toEqual(RUNNING);
      expect(plain(await store.begin('never-begun', 'fp', T0, LOCK_MS))).toEqual(ACQUIRED);
      const small: StoredResponse = { status: 200, headers: [['content-type', 'text/plain']], body: Buffer.from('ok') };
      expect(await store.complete('k', token, small, T0, TTL_MS)).toBe(true);
      expect(plain(await store.begin('k', 'fp', T0, LOCK_MS))).toEqual(completedWith(small));
    });

    it('release by the owner lets a retry run (a new token); release with another token does nothing', async () => {
      const store = await fresh();
      const first = await acquire(store, 'k', 'fp');
      await store.release('k', '00000000-0000-4000-8000-000000000000');
      await store.release('never-begun', first);
      expect(plain(await store.begin('k', 'fp', T0, LOCK_MS))).toEqual(RUNNING);
      await store.release('k', first);
      const second = await acquire(store, 'k', 'fp-other', T0 + 1);
      expect(second).not.toBe(first);
      expect(await store.complete('k', first, RESPONSE, T0 + 2, TTL_MS)).toBe(false);
      await store.release('k', first); // the old owner cannot release the new one
      expect(plain(await store.begin('k', 'fp-other', T0 + 3, LOCK_MS))).toEqual(RUNNING);
      expect(await store.complete('k', second, RESPONSE, T0 + 4, TTL_MS)).toBe(true);
      await store.release('k', second); // a completed record is not released
      expect(plain(await store.begin('k', 'fp-other', T0 + 5, LOCK_MS))).toEqual(completedWith(RESPONSE));
    });

    it('a lock expired at now is taken over with a new token; the old token then completes nothing', async () => {
      const store = await fresh();
      const old = await acquire(store, 'k', 'fp');
      expect(plain(await store.begin('k', 'fp', T0 + LOCK_MS - 1, LOCK_MS))).toEqual(RUNNING);
      expect(plain(await store.begin('k', 'fp-b', T0 + LOCK_MS - 1, LOCK_MS))).toEqual(MISMATCH);
      const taken = await acquire(store, 'k', 'fp-b', T0 + LOCK_MS);
      expect(taken).not.toBe(old);
      expect(await store.complete('k', old, RESPONSE, T0 + LOCK_MS + 1, TTL_MS)).toBe(false);
      await store.release('k', old);
      expect(plain(await store.begin('k', 'fp-b', T0 + LOCK_MS + 2, LOCK_MS))).toEqual(RUNNING);
      expect(plain(await store.begin('k', 'fp', T0 + LOCK_MS + 2, LOCK_MS))).toEqual(MISMATCH);
      expect(await store.complete('k', taken, RESPONSE, T0 + LOCK_MS + 3, TTL_MS)).toBe(true);
      expect(plain(await store.begin('k', 'fp-b', T0 + LOCK_MS + 4, LOCK_MS))).toEqual(completedWith(RESPONSE));
    });

    it('a late complete still stores when the lock ran out but nobody took over', async () => {
      const store = await fresh();
      const token = await acquire(store, 'k', 'fp');
      expect(await store.complete('k', token, RESPONSE, T0 + LOCK_MS + 5_000, TTL_MS)).toBe(true);
      expect(plain(await store.begin('k', 'fp', T0 + LOCK_MS + 5_001, LOCK_MS))).toEqual(completedWith(RESPONSE));
    });

    it('a completed record lives exactly until now + ttlMs, then the key runs again', async () => {
      const store = await fresh();
      const token = await acquire(store, 'k', 'fp');
      expect(await store.complete('k', token, RESPONSE, T0 + 1_000, TTL_MS)).toBe(true);
      expect(plain(await store.begin('k', 'fp', T0 + 1_000 + TTL_MS - 1, LOCK_MS))).toEqual(completedWith(RESPONSE));
      expect(plain(await store.begin('k', 'fp-b', T0 + 1_000 + TTL_MS - 1, LOCK_MS))).toEqual(MISMATCH);
      const again = await acquire(store, 'k', 'fp-b', T0 + 1_000 + TTL_MS);
      expect(again).not.toBe(token);
      expect(plain(await store.begin('k', 'fp-b', T0 + 1_000 + TTL_MS, LOCK_MS))).toEqual(RUNNING);
    });

    it('keeps instants to the microsecond: a fractional now and lock', async () => {
      const store = await fresh();
      await acquire(store, 'k', 'fp', T0 + 0.25, 10_000.5); // lock until T0 + 10 000.75 ms
      expect(plain(await store.begin('k', 'fp', T0 + 10_000.749, LOCK_MS))).toEqual(RUNNING);
      const token = await acquire(store, 'k', 'fp', T0 + 10_000.75);
      expect(await store.complete('k', token, RESPONSE, T0 + 10_001.5, 20_000.25)).toBe(true); // kept until T0 + 30 001.75 ms
      expect(plain(await store.begin('k', 'fp', T0 + 30_001.7, LOCK_MS))).toEqual(completedWith(RESPONSE));
      await acquire(store, 'k', 'fp', T0 + 30_001.75);
    });

    it('of 50 concurrent begins of one key exactly one acquires; the other 49 see it running', async () => {
      const store = await fresh();
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => store.begin('race', 'fp', T0, LOCK_MS)));
      expect(outcomes.filter((o) => o.state === 'acquired').length).toBe(1);
      expect(outcomes.filter((o) => o.state === 'running').length).toBe(49);
      const mixed = await Promise.all(Array.from({ length: 50 }, (_, i) => store.begin('race2', i % 2 === 0 ? 'even' : 'odd', T0, LOCK_MS)));
      const winner = mixed.findIndex((o) => o.state === 'acquired');
      expect(mixed.filter((o) => o.state === 'acquired').length).toBe(1);
      const same = winner % 2;
      expect(mixed.every((o, i) => i === winner || o.state === (i % 2 === same ? 'running' : 'mismatch'))).toBe(true);
    });

    it('keeps keys independent, accepts a 512-character key and a 128-character fingerprint', async () => {
      const store = await fresh();
      await acquire(store, 'a', 'fp');
      await acquire(store, 'a:b', 'fp');
      await acquire(store, 'A', 'fp');
      await acquire(store, 'x'.repeat(512), 'f'.repeat(128));
      expect(plain(await store.begin('x'.repeat(512), 'f'.repeat(128), T0, LOCK_MS))).toEqual(RUNNING);
      await acquire(store, 'caf\u00e9 \u2713', 'fp');
      expect(plain(await store.begin('caf\u00e9 \u2713', 'fp', T0, LOCK_MS))).toEqual(RUNNING);
    });

    it("replays copies: changing the caller's buffers or a replayed body changes nothing stored", async () => {
      const store = await fresh();
      const token = await acquire(store, 'k', 'fp');
      const body = Buffer.from([1, 2, 3]);
      const headers: Array<[string, string]> = [['x-a', '1']];
      expect(await store.complete('k', token, { status: 200, headers, body }, T0, TTL_MS)).toBe(true);
      body[0] = 9;
      headers.push(['x-b', '2']);
      const first = await store.begin('k', 'fp', T0, LOCK_MS);
      if (first.state !== 'completed') throw new Error('expected completed');
      (first.response.body as Uint8Array)[1] = 9;
      expect(plain(await store.begin('k', 'fp', T0, LOCK_MS))).toEqual(completedWith({ status: 200, headers: [['x-a', '1']], body: Buffer.from([1, 2, 3]) }));
    });

    it('refuses arguments outside the contract with a TypeError naming them, and changes nothing', async () => {
      const store = await fresh();
      const token = await acquire(store, 'k', 'fp');
      const call = (method: 'begin' | 'complete' | 'release', args: unknown[]): Promise<unknown> => (store[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      const key = 'Idempotency store: key must be a non-empty string of at most 512 characters, got';
      const now = 'Idempotency store: now must be a finite number of ms since epoch, from 0 to 2^42, got';
      const lock = 'Idempotency store: lockMs must be a finite number of ms, from 0.001 to 365 days (31536000000 ms), got';
      const ttl = 'Idempotency store: ttlMs must be a finite number of ms, from 0.001 to 365 days (31536000000 ms), got';
      const fp = 'Idempotency store: fingerprint must be a non-empty string of at most 128 characters, got';
      const tok = 'Idempotency store: token must be a non-empty string of at most 128 characters, got';
      const ok: StoredResponse = { status: 200, headers: [], body: Buffer.from('x') };
      const withResponse = (response: unknown): unknown[] => ['k', token, response, T0, TTL_MS];
      const cases: Array<['begin' | 'complete' | 'release', unknown[], string]> = [
        ['begin', ['', 'fp', T0, LOCK_MS], `${key} an empty string.`],
        ['begin', ['x'.repeat(513), 'fp', T0, LOCK_MS], `${key} 513 characters.`],
        ['begin', [42, 'fp', T0, LOCK_MS], `${key} number 42.`],
        ['begin', ['k', '', T0, LOCK_MS], `${fp} an empty string.`],
        ['begin', ['k', 'f'.repeat(129), T0, LOCK_MS], `${fp} 129 characters.`],
        ['begin', ['k', undefined, T0, LOCK_MS], `${fp} undefined.`],
        ['begin', ['k', 'fp', Number.NaN, LOCK_MS], `${now} number NaN.`],
        ['begin', ['k', 'fp', -1, LOCK_MS], `${now} number -1.`],
        ['begin', ['k', 'fp', 2 ** 42, LOCK_MS], `${now} number 4398046511104.`],
        ['begin', ['k', 'fp', String(T0), LOCK_MS], `${now} a string.`],
        ['begin', ['k', 'fp', T0, 0], `${lock} number 0.`],
        ['begin', ['k', 'fp', T0, -5], `${lock} number -5.`],
        ['begin', ['k', 'fp', T0, Number.POSITIVE_INFINITY], `${lock} number Infinity.`],
        ['begin', ['k', 'fp', T0, 31_536_000_001], `${lock} number 31536000001.`],
        ['begin', ['k', 'fp', T0, '30s'], `${lock} a string.`],
        ['begin', ['k', 'fp', T0], `${lock} undefined.`],
        ['complete', ['', token, ok, T0, TTL_MS], `${key} an empty string.`],
        ['complete', ['k', '', ok, T0, TTL_MS], `${tok} an empty string.`],
        ['complete', ['k', 42, ok, T0, TTL_MS], `${tok} number 42.`],
        ['complete', ['k', 't'.repeat(129), ok, T0, TTL_MS], `${tok} 129 characters.`],
        ['complete', withResponse(null), 'Idempotency store: response must be an object { status, headers, body }, got null.'],
        ['complete', withResponse('ok'), 'Idempotency store: response must be an object { status, headers, body }, got a string.'],
        ['complete', withResponse({ ...ok, status: 99 }), 'Idempotency store: response.status must be an integer from 100 to 599, got number 99.'],
        ['complete', withResponse({ ...ok, status: 600 }), 'Idempotency store: response.status must be an integer from 100 to 599, got number 600.'],
        ['complete', withResponse({ ...ok, status: 200.5 }), 'Idempotency store: response.status must be an integer from 100 to 599, got number 200.5.'],
        ['complete', withResponse({ ...ok, status: '200' }), 'Idempotency store: response.status must be an integer from 100 to 599, got a string.'],
        ['complete', withResponse({ ...ok, headers: { 'x-a': '1' } }), 'Idempotency store: response.headers must be an array of [name, value] string pairs, got an object.'],
        ['complete', withResponse({ ...ok, headers: [['x-a', '1'], ['Content-Type', 'x']] }), 'Idempotency store: response.headers[1] must be a [name, value] pair of strings with a non-empty lower-case name, got ["Content-Type","x"].'],
        ['complete', withResponse({ ...ok, headers: [['x-a', 1]] }), 'Idempotency store: response.headers[0] must be a [name, value] pair of strings with a non-empty lower-case name, got ["x-a",1].'],
        ['complete', withResponse({ ...ok, headers: [['', 'v']] }), 'Idempotency store: response.headers[0] must be a [name, value] pair of strings with a non-empty lower-case name, got ["","v"].'],
        ['complete', withResponse({ ...ok, headers: ['x-a: 1'] }), 'Idempotency store: response.headers[0] must be a [name, value] pair of strings with a non-empty lower-case name, got a string.'],
        ['complete', withResponse({ ...ok, body: 'text' }), 'Idempotency store: response.body must be a Uint8Array (a Buffer is fine), got a string.'],
        ['complete', withResponse({ ...ok, body: [1, 2] }), 'Idempotency store: response.body must be a Uint8Array (a Buffer is fine), got an array.'],
        ['complete', ['k', token, ok, -1, TTL_MS], `${now} number -1.`],
        ['complete', ['k', token, ok, T0, 0], `${ttl} number 0.`],
        ['complete', ['k', token, ok, T0, Number.NaN], `${ttl} number NaN.`],
        ['release', ['', token], `${key} an empty string.`],
        ['release', ['k', null], `${tok} null.`],
      ];
      for (const [method, args, message] of cases) {
        const error = await call(method, args).catch((e: unknown) => e);
        expect(error, message).toBeInstanceOf(TypeError);
        expect((error as Error).message).toBe(message);
      }
      expect(plain(await store.begin('k', 'fp', T0, LOCK_MS))).toEqual(RUNNING);
      expect(await store.complete('k', token, ok, T0, TTL_MS)).toBe(true);
      expect(plain(await store.begin('k', 'fp', T0, LOCK_MS))).toEqual(completedWith(ok));
    });

    it('close resolves, twice', async () => {
      const store = await fresh();
      await acquire(store, 'k', 'fp');
      await store.close();
      await store.close();
    });
  });
}
