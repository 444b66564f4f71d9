import { Problems, show } from '../../core/config-error.js';
import { checkObject } from '../../core/read-option.js';
import { assertNonceClaim, closedNonceStoreMessage, NonceStoreFullError } from '../nonce-store.js';
import type { NonceStore } from '../nonce-store.js';
import { PROCESS_LOCAL } from '../process-local.js';

/** Options of {@link memoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /**
   * The most unexpired nonces kept at once (default `100_000`). When the store holds that many and
   * none has expired, a claim of a new nonce rejects with {@link NonceStoreFullError}: the caller
   * refuses the request (fail closed). Size it above the requests accepted within one nonce lifetime.
   */
  readonly maxEntries?: number;
}

/** Expired claims removed per claim, at most, besides what a full store needs: no claim is ever slow. */
const PURGE_BATCH = 100;
const KNOWN_OPTIONS = ['maxEntries'];

/**
 * A {@link NonceStore} in this process's memory: for tests, development and a single process.
 * Several processes each keep their own nonces (a request replayed to another process is not
 * detected): use the SQLite store for processes on one machine, Redis for several machines.
 *
 * - **Exact and atomic**: one `Map` from nonce to `expiresAt`; a JavaScript call runs to
 *   completion, so of concurrent claims of one nonce exactly one wins.
 * - **Lazy purge in expiry order, by a min-heap** of `(expiresAt, nonce)`. A heap rather than
 *   the Map's insertion order because callers may give nonces different lifetimes, so expiries are
 *   not always increasing. Each claim pops at most 100 expired entries (at its `now`); a claim that
 *   finds the store full pops every expired entry it needs. Each entry is pushed and popped once,
 *   so a claim costs O(log n) amortised. A heap entry left behind when an expired nonce is claimed
 *   again is dropped when popped (the Map holds the truth).
 * - **Bounded, fail closed**: at most `maxEntries` nonces. Full of unexpired nonces, a claim of a
 *   new nonce rejects with {@link NonceStoreFullError} rather than forget a live nonce (which would
 *   allow its replay). A replay is still answered `false` when full.
 *
 * @param options `maxEntries` (default `100_000`).
 * @throws {@link AegisConfigError} naming each invalid option and its fix.
 * @example
 * const nonces = memoryNonceStore({ maxEntries: 10_000 });
 * if (!(await nonces.claim(nonce, timestamp + 300_000, Date.now()))) reject('replayed');
 */
export function memoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore {
  const problems = new Problems();
  let maxEntries = 100_000;
  if (checkObject(options, KNOWN_OPTIONS, problems, 'options', '{ maxEntries: 100_000 }')) {
    const raw = options.maxEntries;
    if (raw !== undefined) {
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 1) {
        problems.add('maxEntries', `must be a positive integer, got ${show(raw)}.`, 'Use a whole number such as 100_000, or leave it out.');
      } else maxEntries = raw;
    }
  }
  problems.throwIfAny('memoryNonceStore options');
  return new MemoryNonceStore(maxEntries);
}

class MemoryNonceStore implements NonceStore {
  /** This process keeps the claimed nonces (a replay to another instance is not detected): `aegis check` warns about it (AEGIS-W017, see `../process-local.ts`). */
  readonly [PROCESS_LOCAL] = true;
  /** expiresAt per claimed nonce. */
  private readonly expiries = new Map<string, number>();
  /** Min-heap on expiresAt of every claim made; may hold stale entries (see {@link memoryNonceStore}). */
  private heap: Array<[number, string]> = [];
  #closed = false;

  constructor(private readonly maxEntries: number) {}

  async claim(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    assertNonceClaim(nonce, expiresAt, now);
    if (this.#closed) throw new Error(closedNonceStoreMessage('memory', 'memoryNonceStore'));
    this.purge(now, PURGE_BATCH);
    const stored = this.expiries.get(nonce);
    if (stored !== undefined && stored > now) return false;
    if (stored === undefined && this.expiries.size >= this.maxEntries) {
      this.purge(now, Infinity);
      if (this.expiries.size >= this.maxEntries) throw new NonceStoreFullError(this.maxEntries);
    }
    this.expiries.set(nonce, expiresAt);
    this.push(expiresAt, nonce);
    // Stale entries are expired claims, popped by later claims; rebuild if a clock running backwards lets them pile up.
    if (this.heap.length > 2 * this.maxEntries + PURGE_BATCH) this.rebuild();
    return true;
  }

  /** Forgets every nonce; later claims reject (a fresh store would accept every replay). */
  async close(): Promise<void> {
    this.#closed = true;
    this.expiries.clear();
    this.heap = [];
  }

  /** Pops up to `limit` heap entries expired at `now`, deleting the nonces still holding that expiry. */
  private purge(now: number, limit: number): void {
    for (let popped = 0; popped < limit; popped++) {
      const top = this.heap[0];
      if (top === undefined || top[0] > now) return;
      this.pop();
      if (this.expiries.get(top[1]) === top[0]) this.expiries.delete(top[1]);
    }
  }

  private rebuild(): void {
    this.heap = [...this.expiries].map(([nonce, expiresAt]): [number, string] => [expiresAt, nonce]).sort((a, b) => a[0] - b[0]);
  }

  private push(expiresAt: number, nonce: string): void {
    const heap = this.heap;
    let i = heap.push([expiresAt, nonce]) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as [number, string];
      if (p[0] <= expiresAt) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = [expiresAt, nonce];
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as [number, string])[0] < (heap[left] as [number, string])[0] ? right : left;
      const c = heap[child] as [number, string];
      if (c[0] >= last[0]) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
  }
}
