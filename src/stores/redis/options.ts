/**
 * What every Redis store shares besides the client adapter (`client.ts`): reading the options
 * `{ client, prefix, timeout }` with the same checks and messages, and the operation timeout.
 * @internal
 */

import { Problems, show } from '../../core/config-error.js';
import { readDuration } from '../../core/read-option.js';
import { unknownKeyFix } from '../../core/suggest.js';
import type { Duration } from '../../core/units.js';
import { toScriptClient } from './client.js';
import type { IoredisLike, NodeRedisLike, RedisScriptClient } from './client.js';

/** The options every Redis store takes. */
export interface RedisStoreOptions {
  /**
   * The application's Redis client, connected: node-redis (`createClient()` of `redis` v4+),
   * ioredis (`new Redis()`), or any object with `evalScript` ({@link RedisScriptClient}). Aegis
   * never connects or closes it.
   */
  readonly client: NodeRedisLike | IoredisLike | RedisScriptClient;
  /**
   * Prefix of every key the store writes. Default `'aegis:'`. An ioredis `keyPrefix` on the client
   * comes first. On Redis Cluster use a hash tag, e.g. `'{aegis}:'`, so that every key of the store
   * lives in one slot.
   */
  readonly prefix?: string;
  /**
   * How long one operation may take before it fails (ms or `'2s'`). Default 2 s. A client that
   * queues commands while it reconnects (node-redis and ioredis do by default) would otherwise hold
   * every request until Redis is back; with the timeout the request fails fast and the client keeps
   * reconnecting. A timed-out command may still run once Redis answers.
   */
  readonly timeout?: Duration;
}

const KNOWN_OPTIONS = ['client', 'prefix', 'timeout'];
const DEFAULT_TIMEOUT_MS = 2000;

/**
 * Reads `{ client, prefix, timeout }`, or throws an AegisConfigError titled `Invalid <title>
 * options` naming each problem and its fix.
 */
export function readRedisStoreOptions(options: RedisStoreOptions, title: string): { client: RedisScriptClient; prefix: string; timeoutMs: number } {
  const problems = new Problems();
  let client: RedisScriptClient | undefined;
  let prefix = 'aegis:';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    problems.add('options', `must be an object, got ${show(options)}.`, "pass { client: yourRedisClient, prefix?: 'aegis:' }.");
  } else {
    for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.includes(key)) problems.add(key, 'unknown option.', unknownKeyFix(key, KNOWN_OPTIONS));
    client = toScriptClient(options.client);
    if (!client) {
      problems.add(
        'client',
        options.client === undefined ? 'is required.' : `${show(options.client)} is not a Redis client Aegis recognises.`,
        'pass your connected node-redis client (createClient() of `redis`) or ioredis client (new Redis()), or an object with evalScript(script, keys, args).',
      );
    }
    if (options.prefix !== undefined) {
      if (typeof options.prefix !== 'string' || options.prefix.length === 0 || options.prefix.length > 200 || !usablePrefix(options.prefix)) {
        problems.add('prefix', `${show(options.prefix)} is not a usable key prefix.`, "write a short string without spaces or control characters, such as 'aegis:' or 'myapp:sessions:'.");
      } else {
        prefix = options.prefix;
      }
    }
  }
  const timeoutMs = readDuration(typeof options === 'object' && options !== null ? options.timeout : undefined, DEFAULT_TIMEOUT_MS, problems, 'timeout');
  if (timeoutMs <= 0) problems.add('timeout', 'must be longer than 0.', "give a duration such as '2s'.");
  problems.throwIfAny(`${title} options`);
  return { client: client as RedisScriptClient, prefix, timeoutMs };
}

/**
 * `pending`, or a rejection `Redis did not answer within <ms> ms` after `ms` (the timer never keeps
 * the process alive).
 *
 * Cheap per call: no timer, no `Promise.race`. The deadlines of every pending operation with the
 * same `ms` fall in the order the operations started, so they wait in one queue per `ms` (a doubly
 * linked list: an operation that settles unlinks itself in O(1)), and ONE unref'd timer per queue
 * is armed for its oldest deadline; when it fires it rejects every operation past its deadline and
 * re-arms itself for the next one. A timeout therefore fires when a per-call timer would (never
 * before `ms`), while a busy store creates about one timer per `ms` instead of one per operation.
 */
export function withTimeout<T>(pending: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const queue = deadlineQueue(ms);
    const waiter = queue.add(reject);
    pending.then(
      (value) => {
        queue.remove(waiter);
        resolve(value);
      },
      (error: unknown) => {
        queue.remove(waiter);
        reject(error);
      },
    );
  });
}

/** One pending operation in a {@link DeadlineQueue}. */
interface Waiter {
  readonly deadline: number;
  reject: ((error: Error) => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

/** The pending operations of one timeout length, oldest deadline first, and the one timer that expires them. */
class DeadlineQueue {
  #head: Waiter | undefined;
  #tail: Waiter | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly ms: number) {}

  add(reject: (error: Error) => void): Waiter {
    const waiter: Waiter = { deadline: performance.now() + this.ms, reject, prev: this.#tail, next: undefined };
    if (this.#tail === undefined) this.#head = waiter;
    else this.#tail.next = waiter;
    this.#tail = waiter;
    // Deadlines only grow along the queue: a timer already armed fires no later than this one's.
    if (this.#timer === undefined) this.#arm(waiter.deadline);
    return waiter;
  }

  remove(waiter: Waiter): void {
    if (waiter.reject === undefined) return; // already expired
    waiter.reject = undefined;
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
  }

  #arm(at: number): void {
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, Math.ceil(at - performance.now())));
    this.#timer.unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    let waiter = this.#head;
    while (waiter !== undefined && waiter.deadline <= now) {
      const reject = waiter.reject;
      const next = waiter.next;
      this.remove(waiter);
      reject?.(new Error(`Redis did not answer within ${this.ms} ms`));
      waiter = next;
    }
    if (this.#head !== undefined) this.#arm(this.#head.deadline);
  }
}

/** The queue per timeout length (a handful: one per configured timeout). */
const deadlineQueues = new Map<number, DeadlineQueue>();

function deadlineQueue(ms: number): DeadlineQueue {
  let queue = deadlineQueues.get(ms);
  if (queue === undefined) deadlineQueues.set(ms, (queue = new DeadlineQueue(ms)));
  return queue;
}

/** No whitespace or control characters: a prefix shows up in every key an operator reads. */
function usablePrefix(prefix: string): boolean {
  return !/\s/u.test(prefix) && [...prefix].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f);
}
