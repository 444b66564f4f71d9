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

/** `pending`, or a rejection after `ms` (the timer never keeps the process alive). */
export function withTimeout<T>(pending: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([pending, expired]).finally(() => clearTimeout(timer));
}

/** No whitespace or control characters: a prefix shows up in every key an operator reads. */
function usablePrefix(prefix: string): boolean {
  return !/\s/u.test(prefix) && [...prefix].every((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f);
}
