import { describe, expect, it } from 'vitest';
import { AegisConfigError } from '../../src/core/config-error.js';
import { memorySessionStore } from '../../src/stores/index.js';
import type { SessionStore } from '../../src/stores/index.js';
import { record, sessionStoreContract, T0 } from './session-store.contract.js';

sessionStoreContract('memory', async () => memorySessionStore());

const MIN = 60_000;

describe('memorySessionStore: the bound', () => {
  it('keeps at most maxEntries: the least recently used session is dropped first', async () => {
    const store = memorySessionStore({ maxEntries: 3, clock: () => T0 });
    await store.create('a', record());
    await store.create('b', record());
    await store.create('c', record());
    expect(await store.get('a', T0)).toBeDefined(); // a is now the most recently used; b the least
    await store.create('d', record());
    expect(await store.get('b', T0)).toBeUndefined();
    expect(await ids(store, ['a', 'c', 'd'])).toEqual(['a', 'c', 'd']);
    await store.update('c', { set: { touched: true } }, T0); // order of use now: a, d, c
    await store.create('e', record());
    expect(await ids(store, ['a', 'c', 'd', 'e'])).toEqual(['c', 'd', 'e']);
  });

  it('evicts expired sessions before any live one, however recently used', async () => {
    let now = T0;
    const store = memorySessionStore({ maxEntries: 3, clock: () => now });
    await store.create('live-old', record());
    await store.create('short1', record({ idleExpiresAt: T0 + MIN }));
    await store.create('short2', record({ idleExpiresAt: T0 + MIN, userId: 'alice' }));
    now = T0 + 2 * MIN;
    await store.create('new', record());
    expect(await ids(store, ['live-old', 'short1', 'short2', 'new'], now)).toEqual(['live-old', 'new']);
    expect(await store.listByUser('alice', T0)).toEqual([]); // the user index follows eviction
    expect(await store.destroyByUser('alice')).toBe(0);
  });

  it('removes evicted sessions from the user index', async () => {
    const store = memorySessionStore({ maxEntries: 1, clock: () => T0 });
    await store.create('s1', record({ userId: 'alice' }));
    await store.create('s2', record({ userId: 'bob' }));
    expect(await store.listByUser('alice', T0)).toEqual([]);
    expect(await store.destroyByUser('alice')).toBe(0);
    expect(await store.listByUser('bob', T0)).toEqual([['s2', record({ userId: 'bob' })]]);
  });

  it('does not grow past the bound under a flood of new sessions', async () => {
    const store = memorySessionStore({ maxEntries: 100, clock: () => T0 });
    for (let i = 0; i < 5_000; i++) await store.create(`flood${i}`, record({ userId: 'mallory' }));
    expect((await store.listByUser('mallory', T0)).length).toBe(100);
    expect(await store.get('flood4899', T0)).toBeUndefined();
    expect(await store.get('flood4900', T0)).toBeDefined();
  });
});

describe('memorySessionStore: options and inputs the types forbid', () => {
  it('names the bad option and the fix', () => {
    expect(() => memorySessionStore({ maxEntries: 0 })).toThrow(AegisConfigError);
    expect(() => memorySessionStore({ maxEntries: 1.5 })).toThrow(
      'Invalid memorySessionStore options (1 problem):\n  - maxEntries: must be a positive integer, got 1.5. Fix: Use a whole number such as 10_000, or leave it out.',
    );
    expect(() => memorySessionStore({ clock: 5 as unknown as () => number })).toThrow(/clock: must be a function/);
  });

  it('refuses ids, records and times that are not what the contract says', async () => {
    const store = memorySessionStore();
    await expect(store.get(undefined as unknown as string, T0)).rejects.toThrow('Session store: id must be a non-empty string, got undefined.');
    await expect(store.create('', record())).rejects.toThrow('id must be a non-empty string, got an empty string.');
    await expect(store.create('s1', record({ idleExpiresAt: Number.NaN }))).rejects.toThrow('record.idleExpiresAt must be a finite number');
    await expect(store.create('s1', { ...record(), data: [] as unknown as Record<string, unknown> })).rejects.toThrow('record.data must be a plain object');
    await expect(store.get('s1', Number.NaN)).rejects.toThrow('now must be a finite number');
    await store.create('s1', record());
    await expect(store.update('s1', { unset: 'a' as unknown as string[] }, T0)).rejects.toThrow('change.unset must be an array');
    await expect(store.update('s1', { userId: '' }, T0)).rejects.toThrow('change.userId must be a non-empty string');
  });

  it('keeps a key named __proto__ as plain data, never as a prototype', async () => {
    const store = memorySessionStore();
    await store.create('s1', record());
    const merged = await store.update('s1', { set: JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown> }, T0);
    expect(Object.getPrototypeOf(merged?.data)).toBe(Object.prototype);
    expect(Object.keys(merged?.data ?? {})).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

async function ids(store: SessionStore, candidates: string[], now = T0): Promise<string[]> {
  const present: string[] = [];
  for (const id of candidates) if ((await store.get(id, now)) !== undefined) present.push(id);
  return present;
}
