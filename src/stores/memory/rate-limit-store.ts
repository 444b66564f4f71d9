import { Problems, show } from '../../core/config-error.js';
import { assertRateLimitKey, gcraCheck, gcraDecision } from '../rate-limit-store.js';
import type { GcraLimit, RateLimitDecision, RateLimitStore } from '../rate-limit-store.js';
import { PROCESS_LOCAL } from '../process-local.js';

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * The most keys kept at once (default `100_000`). A flood of new keys (one per spoofed client)
   * cannot grow memory past it: when the store is full, a new key first drops every key whose TAT
   * is in the past (its state no longer matters), then a key not used for the longest time, chosen
   * by second chance (see {@link memoryRateLimitStore}).
   */
  readonly maxKeys?: number;
  /** The clock used to find keys whose TAT is past when the store is full (default `Date.now`). Decisions use the `now` they are given. */
  readonly clock?: () => number;
}

/**
 * A {@link RateLimitStore} in this process's memory: for tests, development and a single process.
 * Several processes each keep their own state (a client gets each process's burst): use the SQLite
 * store for processes on one machine, Redis for several machines.
 *
 * - **GCRA, exact**: one number per key (the TAT, integer µs), as described in
 *   `src/stores/rate-limit-store.ts`; a JavaScript call runs to completion, so every decision is atomic.
 * - **Bounded**: at most `maxKeys` keys. When full, a new key first evicts the keys whose TAT is in
 *   the past at `clock()` (evicting those loses nothing), then one live key by **second chance**
 *   (the CLOCK approximation of least recently used): keys are kept in the order they were placed;
 *   a consume (allowed or denied) only marks its key as used, in place. Eviction walks from the
 *   oldest placement: a marked key is unmarked and placed again at the end, the first unmarked key
 *   (not consumed since it was last placed) is evicted. So a key consumed since the previous sweep
 *   passed it is never evicted before one that was not; among unused keys the one placed longest
 *   ago goes first. Each consume moves its key at most once, so eviction costs O(1) amortized.
 *   Evicting a live key forgets its usage: that client gets a full burst again; size `maxKeys`
 *   above the number of clients active within one burst window.
 *
 * @example
 * const store = memoryRateLimitStore({ maxKeys: 10_000 });
 * const decision = await store.consume(`ip:${ip}`, { intervalMs: 300, burst: 200 }, Date.now());
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const problems = new Problems();
  if (options === null || typeof options !== 'object') {
    problems.add('options', `must be an object, got ${show(options)}.`, 'Pass { maxKeys?, clock? } or nothing.');
    problems.throwIfAny('memoryRateLimitStore options');
  }
  const maxKeys = options.maxKeys ?? 100_000;
  const clock = options.clock ?? Date.now;
  if (typeof maxKeys !== 'number' || !Number.isSafeInteger(maxKeys) || maxKeys < 1) {
    problems.add('maxKeys', `must be a positive integer, got ${show(maxKeys)}.`, 'Use a whole number such as 100_000, or leave it out.');
  }
  if (typeof clock !== 'function') {
    problems.add('clock', `must be a function returning ms since epoch, got ${show(clock)}.`, 'Pass () => Date.now(), or leave it out.');
  }
  problems.throwIfAny('memoryRateLimitStore options');
  return new MemoryRateLimitStore(maxKeys, clock);
}

/** One key's state, updated in place by every consume (no reordering of the Map on the hot path). */
interface Entry {
  /** The TAT, integer µs. */
  tat: number;
  /** Consumed since it was last placed at the end of the Map (second chance when evicting). */
  used: boolean;
}

class MemoryRateLimitStore implements RateLimitStore {
  /** This process keeps the rate-limit state (each instance counts its own): `aegis check` warns about it (AEGIS-W017, see `../process-local.ts`). */
  readonly [PROCESS_LOCAL] = true;
  /** State per key, in the order the keys were placed (see `makeRoom`). */
  private readonly entries = new Map<string, Entry>();
  /** A lower bound of every stored TAT: before it, no TAT is past, so a full store skips the sweep. */
  private earliestTat = Infinity;

  constructor(
    private readonly maxKeys: number,
    private readonly clock: () => number,
  ) {}

  async consume(key: string, limit: GcraLimit, now: number, cost = 1): Promise<RateLimitDecision> {
    const intervalUs = gcraCheck(key, limit, now, cost);
    const nowUs = Math.round(now * 1000);
    const entry = this.entries.get(key);
    // tat = max(stored ?? now, now): a TAT in the past is as good as none.
    const tat = entry !== undefined && entry.tat > nowUs ? entry.tat : nowUs;
    const decision = gcraDecision(tat, nowUs, intervalUs, intervalUs * limit.burst, cost);
    if (entry !== undefined) {
      entry.used = true;
      if (decision.allowed) entry.tat = tat + intervalUs * cost;
    } else if (decision.allowed) {
      this.makeRoom();
      const next = tat + intervalUs * cost;
      this.entries.set(key, { tat: next, used: false });
      if (next < this.earliestTat) this.earliestTat = next;
    }
    return decision;
  }

  async reset(key: string): Promise<void> {
    assertRateLimitKey(key);
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.earliestTat = Infinity;
  }

  /**
   * Frees one slot when full: keys whose TAT is past first, then by second chance (a key used since
   * it was placed is unmarked and placed again at the end; the first unused one is evicted).
   */
  private makeRoom(): void {
    const entries = this.entries;
    if (entries.size < this.maxKeys) return;
    const nowUs = Math.round(this.clock() * 1000);
    if (nowUs >= this.earliestTat) {
      let earliest = Infinity;
      for (const [key, entry] of entries) {
        if (entry.tat <= nowUs) entries.delete(key);
        else if (entry.tat < earliest) earliest = entry.tat;
      }
      this.earliestTat = earliest;
    }
    while (entries.size >= this.maxKeys) {
      // Terminates: every key moved is unmarked, so within one pass over the Map an unmarked key comes up.
      for (const [key, entry] of entries) {
        entries.delete(key);
        if (!entry.used) break;
        entry.used = false;
        entries.set(key, entry);
      }
    }
  }
}
