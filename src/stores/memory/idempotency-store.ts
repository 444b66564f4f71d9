import { timingSafeEqual } from 'node:crypto';
import { Problems, show } from '../../core/config-error.js';
import { checkObject, readSize } from '../../core/read-option.js';
import type { Size } from '../../core/units.js';
import { beginRequest, completeRequest, copyHeaders, IdempotencyStoreFullError, newToken, releaseRequest } from '../idempotency-store.js';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../idempotency-store.js';
import { PROCESS_LOCAL } from '../process-local.js';

/** Options of {@link memoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** The most records (running or completed) kept at once. Default `10_000`. */
  readonly maxEntries?: number;
  /**
   * The most bytes kept at once, as bytes or a size string (`'64mb'`). Default `'64mb'`. A record
   * counts {@link MEMORY_RECORD_OVERHEAD_BYTES} plus 2 bytes per UTF-16 unit of its key,
   * fingerprint and header names and values, plus its body's bytes.
   */
  readonly maxBytes?: Size;
}

/** The fixed cost counted for each record by {@link memoryIdempotencyStore}'s `maxBytes`, besides its strings and body. */
export const MEMORY_RECORD_OVERHEAD_BYTES = 128;

const KNOWN_OPTIONS = ['maxEntries', 'maxBytes'];
const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * An {@link IdempotencyStore} in this process's memory: for tests, development and a single
 * process. Several processes each keep their own records (a repeat that reaches another process
 * runs again): use the SQLite store for processes on one machine, Redis for several machines.
 *
 * - **Atomic**: a JavaScript call runs to completion, so of N concurrent `begin`s of one key
 *   exactly one is `acquired`.
 * - **Bounded** by `maxEntries` (default 10 000) and `maxBytes` (default 64 MiB). When a new record
 *   (or a completed response) does not fit, the store first drops every record expired at the
 *   operation's `now` (a running record whose lock expired included: its owner's late `complete`
 *   then resolves false), then the COMPLETED records stored longest ago. **Evicting a completed
 *   record forgets its response: a later repeat of that key runs the request again.** A running
 *   record is never evicted: when only running records are left, `begin` (and a `complete` whose
 *   response does not fit) rejects with {@link IdempotencyStoreFullError}, so the guard fails
 *   closed; a rejected `complete` leaves its record running (release it, or it expires with its lock).
 * - Bodies and headers are copied in and out: the caller may reuse its buffers.
 *
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 * @example
 * const store = memoryIdempotencyStore({ maxEntries: 1_000, maxBytes: '16mb' });
 * const found = await store.begin(`client:${clientId}:${key}`, fingerprint, Date.now(), 60_000);
 */
export function memoryIdempotencyStore(options: MemoryIdempotencyStoreOptions = {}): IdempotencyStore {
  const problems = new Problems();
  let maxEntries = DEFAULT_MAX_ENTRIES;
  let maxBytes = DEFAULT_MAX_BYTES;
  if (checkObject(options, KNOWN_OPTIONS, problems, 'options', "{ maxEntries: 10_000, maxBytes: '64mb' }")) {
    const raw = options as Record<string, unknown>;
    if (raw['maxEntries'] !== undefined) {
      const value = raw['maxEntries'];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
        problems.add('maxEntries', `must be a positive integer, got ${show(value)}.`, 'Use a whole number such as 10_000, or leave it out.');
      } else maxEntries = value;
    }
    const bytes = readSize(raw['maxBytes'], DEFAULT_MAX_BYTES, problems, 'maxBytes');
    if (bytes < 1) problems.add('maxBytes', `must be at least 1 byte, got ${show(raw['maxBytes'])}.`, "give a size such as '64mb', or leave it out.");
    else maxBytes = bytes;
  }
  problems.throwIfAny('memoryIdempotencyStore options');
  return new MemoryIdempotencyStore(maxEntries, maxBytes);
}

interface MemoryRecord {
  readonly fingerprint: string;
  /** The owner's token while running; `undefined` once completed. */
  token: string | undefined;
  /** Lock expiry (running) or record expiry (completed), µs since the epoch. */
  expiresUs: number;
  response: StoredResponse | undefined;
  /** What the record counts against `maxBytes`. */
  bytes: number;
}

class MemoryIdempotencyStore implements IdempotencyStore {
  /** This process keeps the idempotency records (a retry on another instance runs again): `aegis check` warns about it (AEGIS-W017, see `../process-local.ts`). */
  readonly [PROCESS_LOCAL] = true;
  private readonly records = new Map<string, MemoryRecord>();
  /** The completed records' keys, stored longest ago first: the eviction order. */
  private readonly completed = new Set<string>();
  private bytes = 0;
  /** A lower bound of every stored expiry: before it, nothing is expired, so a full store skips the sweep. */
  private earliestUs = Infinity;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  async begin(key: string, fingerprint: string, now: number, lockMs: number): Promise<IdempotencyBegin> {
    const request = beginRequest(key, fingerprint, now, lockMs);
    const found = this.records.get(key);
    if (found !== undefined && found.expiresUs > request.nowUs) {
      if (found.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (found.token !== undefined || found.response === undefined) return { state: 'running' };
      return { state: 'completed', response: copyResponse(found.response) };
    }
    if (found !== undefined) this.remove(key);
    const bytes = recordBytes(key, fingerprint, undefined);
    this.makeRoom(1, bytes, request.nowUs, undefined);
    const token = newToken();
    this.records.set(key, { fingerprint, token, expiresUs: request.expiresUs, response: undefined, bytes });
    this.bytes += bytes;
    this.earliestUs = Math.min(this.earliestUs, request.expiresUs);
    return { state: 'acquired', token };
  }

  async complete(key: string, token: string, response: StoredResponse, now: number, ttlMs: number): Promise<boolean> {
    const request = completeRequest(key, token, response, now, ttlMs);
    const found = this.records.get(key);
    if (found === undefined || found.token === undefined || !sameToken(found.token, token)) return false;
    const bytes = recordBytes(key, found.fingerprint, response);
    this.makeRoom(0, bytes - found.bytes, request.nowUs, key);
    this.bytes += bytes - found.bytes;
    found.bytes = bytes;
    found.token = undefined;
    found.expiresUs = request.expiresUs;
    found.response = copyResponse(response);
    this.completed.add(key);
    this.earliestUs = Math.min(this.earliestUs, request.expiresUs);
    return true;
  }

  async release(key: string, token: string): Promise<void> {
    releaseRequest(key, token);
    const found = this.records.get(key);
    if (found !== undefined && found.token !== undefined && sameToken(found.token, token)) this.remove(key);
  }

  async close(): Promise<void> {
    this.records.clear();
    this.completed.clear();
    this.bytes = 0;
    this.earliestUs = Infinity;
  }

  private remove(key: string): void {
    const found = this.records.get(key);
    if (found === undefined) return;
    this.records.delete(key);
    this.completed.delete(key);
    this.bytes -= found.bytes;
  }

  /**
   * Makes room for `moreEntries` records and `moreBytes` bytes: records expired at `nowUs` first
   * (except `keep`, the record being completed), then completed records stored longest ago.
   * Throws {@link IdempotencyStoreFullError} when only running records would be left to evict.
   */
  private makeRoom(moreEntries: number, moreBytes: number, nowUs: number, keep: string | undefined): void {
    const fits = (): boolean => this.records.size + moreEntries <= this.maxEntries && this.bytes + moreBytes <= this.maxBytes;
    if (fits()) return;
    if (nowUs >= this.earliestUs) {
      let earliest = Infinity;
      for (const [key, record] of this.records) {
        if (record.expiresUs <= nowUs && key !== keep) this.remove(key);
        else earliest = Math.min(earliest, record.expiresUs);
      }
      this.earliestUs = earliest;
    }
    while (!fits()) {
      const oldest = this.completed.values().next();
      if (oldest.done === true) break;
      this.remove(oldest.value);
    }
    if (!fits()) {
      throw new IdempotencyStoreFullError(
        `Memory idempotency store is full (maxEntries ${this.maxEntries}, maxBytes ${this.maxBytes}): only running records are left, and they are never evicted. Raise maxEntries or maxBytes, or shorten the lock.`,
      );
    }
  }
}

/** What a record counts against `maxBytes` (see {@link MemoryIdempotencyStoreOptions.maxBytes}). */
function recordBytes(key: string, fingerprint: string, response: StoredResponse | undefined): number {
  let bytes = MEMORY_RECORD_OVERHEAD_BYTES + 2 * (key.length + fingerprint.length);
  if (response !== undefined) {
    bytes += response.body.byteLength;
    for (const [name, value] of response.headers) bytes += 2 * (name.length + value.length);
  }
  return bytes;
}

function copyResponse(response: StoredResponse): StoredResponse {
  return { status: response.status, headers: copyHeaders(response.headers), body: Buffer.from(response.body) };
}

/** Constant-time token comparison. */
function sameToken(stored: string, given: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
