import { Problems, show } from '../../core/config-error.js';
import { assertRateLimitKey, effectiveTat, gcraDecide, gcraRequest } from '../rate-limit-store.js';
import type { GcraLimit, RateLimitDecision, RateLimitStore } from '../rate-limit-store.js';

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * The most keys kept at once (default `100_000`). A flood of new keys (one per spoofed client)
   * cannot grow memory past it: when the store is full, a new key first drops every key whose TAT
   * is in the past (its state no longer matters), then the least recently used keys.
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
 *   the past at `clock()` (evicting those loses nothing), then the least recently used (the one
 *   consumed longest ago, allowed or denied). Evicting a live key forgets its usage: that client
 *   gets a full burst again; size `maxKeys` above the number of clients active within one burst window.
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

class MemoryRateLimitStore implements RateLimitStore {
  /** TAT (µs) per key, least recently used first: every consume moves its key to the end. */
  private readonly tats = new Map<string, number>();
  /** A lower bound of every stored TAT: before it, no TAT is past, so a full store skips the sweep. */
  private earliestTat = Infinity;

  constructor(
    private readonly maxKeys: number,
    private readonly clock: () => number,
  ) {}

  async consume(key: string, limit: GcraLimit, now: number, cost = 1): Promise<RateLimitDecision> {
    const request = gcraRequest(key, limit, now, cost);
    const stored = this.tats.get(key);
    const outcome = gcraDecide(effectiveTat(stored, request), request);
    if (stored !== undefined) this.tats.delete(key);
    else if (outcome.newTatUs !== undefined) this.makeRoom();
    const next = outcome.newTatUs ?? stored;
    if (next !== undefined) {
      this.tats.set(key, next);
      this.earliestTat = Math.min(this.earliestTat, next);
    }
    return outcome.decision;
  }

  async reset(key: string): Promise<void> {
    assertRateLimitKey(key);
    this.tats.delete(key);
  }

  async close(): Promise<void> {
    this.tats.clear();
    this.earliestTat = Infinity;
  }

  /** Frees one slot when full: keys whose TAT is past first, then the least recently used. */
  private makeRoom(): void {
    if (this.tats.size < this.maxKeys) return;
    const nowUs = Math.round(this.clock() * 1000);
    if (nowUs >= this.earliestTat) {
      let earliest = Infinity;
      for (const [key, tat] of this.tats) {
        if (tat <= nowUs) this.tats.delete(key);
        else earliest = Math.min(earliest, tat);
      }
      this.earliestTat = earliest;
    }
    while (this.tats.size >= this.maxKeys) {
      const oldest = this.tats.keys().next();
      if (oldest.done === true) break;
      this.tats.delete(oldest.value);
    }
  }
}
