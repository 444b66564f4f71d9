/**
 * The few Redis commands the Redis stores need, taken from the APPLICATION'S OWN client.
 *
 * Aegis never creates, connects or closes a Redis client: the application passes the one it already
 * has (node-redis v4+ or ioredis v5+), and {@link toScriptClient} wraps it in this small interface.
 * Every store operation is one Lua script run with EVALSHA (EVAL once when the server's script
 * cache does not have it yet), so only core commands are used: it works against Redis 6.2+, Redis 7
 * and Valkey, with no modules and no functions API.
 */

import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';

/** A Lua script and its SHA1, for EVALSHA. Made once per script by {@link luaScript}. */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

/** Makes a {@link LuaScript} (the SHA1 is computed here, once). */
export function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * What a Redis store calls: run one Lua script with its keys and arguments, in one round trip.
 * Implement it directly to use another client; the reply is the client's decoding of the script's
 * return value (nil as `null`, integers as numbers, bulk strings as strings, tables as arrays).
 */
export interface RedisScriptClient {
  /**
   * A prefix the client itself adds to every name in KEYS (ioredis's `keyPrefix` option). The
   * scripts add it to the keys they derive (a user's index, the sessions it lists), so those name
   * the same keys as KEYS do. Absent: none.
   */
  readonly keyPrefix?: string;
  evalScript(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

/**
 * The node-redis (v4, v5, v6) methods used: `client.evalSha(sha, { keys, arguments })` and
 * `client.eval(...)`, or `client.sendCommand(['EVALSHA', …])` when the client has it (see {@link fromNodeRedis}).
 */
export interface NodeRedisLike {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /** A client's or a pool's raw command (a cluster's takes other arguments and is not used). */
  sendCommand?(args: string[], options?: never): Promise<unknown>;
}

/** The ioredis methods used: `client.evalsha(sha, numKeys, ...keys, ...args)` and `client.eval(...)`. */
export interface IoredisLike {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  defineCommand(...args: never[]): unknown;
  /** ioredis's options; `keyPrefix` is honoured (see {@link RedisScriptClient.keyPrefix}). */
  readonly options?: { readonly keyPrefix?: string | Uint8Array };
}

/** True when the server answered that it does not have the script cached (after a restart, SCRIPT FLUSH, failover). */
function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * EVALSHA, then EVAL when the server's script cache lacks the script: `evalsha()` and, only when it
 * fails with NOSCRIPT, `evaluate()`. Always a promise, even when the client throws.
 */
function cached(script: LuaScript, evalsha: () => Promise<unknown>, evaluate: (source: string) => Promise<unknown>): Promise<unknown> {
  let sent: Promise<unknown>;
  try {
    sent = evalsha();
  } catch (error) {
    return Promise.reject(error as Error); // a client that throws instead of rejecting (closed)
  }
  return sent.catch((error: unknown) => {
    if (!isNoScript(error)) throw error;
    return evaluate(script.source);
  });
}

/**
 * node-redis 5+ gives every command a timeout of its own (`commandOptions.timeout`, 5 s by default
 * in v6): an `AbortSignal.timeout()`, a timer and two listeners per command, which cost more CPU
 * (with the garbage they make) than the rest of the call. This is the same timeout with ONE
 * AbortSignal per slot of an eighth of it: each command gets `{ timeout: 0, abortSignal }`, and
 * the slot's signal aborts `ms` plus one slot after the slot opened, so a command still waiting
 * (e.g. queued while the client reconnects) is dropped between `ms` and `ms + ms / 8` after it
 * was sent, as node-redis would drop it after `ms`.
 */
class SharedCommandTimeout {
  #options: { readonly timeout: 0; readonly abortSignal: AbortSignal } | undefined;
  /** When the current slot closes (performance.now() ms). */
  #closesAt = -Infinity;
  readonly #slot: number;

  constructor(readonly ms: number) {
    this.#slot = Math.max(1, Math.ceil(ms / 8));
  }

  /** The options of a command sent now. */
  options(): { readonly timeout: 0; readonly abortSignal: AbortSignal } {
    const now = performance.now();
    if (this.#options !== undefined && now < this.#closesAt) return this.#options;
    const controller = new AbortController();
    // Every pending command of the slot listens to this one signal: no MaxListenersExceededWarning.
    setMaxListeners(0, controller.signal);
    this.#closesAt = now + this.#slot;
    // Fires no sooner than `ms` after the slot's last command (+1: a timer may fire up to 1 ms early).
    setTimeout(() => controller.abort(new Error(`Redis did not answer within ${this.ms} ms (the client's command timeout)`)), this.ms + this.#slot + 1).unref();
    return (this.#options = { timeout: 0, abortSignal: controller.signal });
  }
}

/**
 * Wraps a node-redis client (`createClient()` / `createCluster()` of `redis` v4+).
 *
 * A single client or a pool gets the command as it goes on the wire, `sendCommand(['EVALSHA', sha1,
 * numkeys, ...keys, ...args])`: the same bytes as `evalSha()` without its command parser, and with
 * the client's per-command timeout shared by the commands of a time slot
 * ({@link SharedCommandTimeout}). A cluster (its `sendCommand` takes a routing key first) and a
 * client with a `keyPrefix` (the parser adds it to KEYS) keep `evalSha()`.
 */
export function fromNodeRedis(client: NodeRedisLike): RedisScriptClient {
  const raw = client as NodeRedisLike & {
    readonly masters?: unknown;
    readonly _keyPrefix?: unknown;
    readonly _commandOptions?: { readonly timeout?: unknown; readonly abortSignal?: unknown };
  };
  const send = raw.sendCommand;
  if (typeof send === 'function' && !('masters' in raw) && !raw._keyPrefix) {
    const defaults = raw._commandOptions;
    const timeout =
      defaults && defaults.abortSignal === undefined && typeof defaults.timeout === 'number' && defaults.timeout > 0 && Number.isFinite(defaults.timeout)
        ? new SharedCommandTimeout(defaults.timeout)
        : undefined;
    const sendCommand = send as (args: string[], options?: object) => Promise<unknown>;
    return {
      evalScript(script, keys, args) {
        const command = ['EVALSHA', script.sha1, String(keys.length), ...keys, ...args];
        return cached(
          script,
          () => sendCommand.call(client, command, timeout?.options()),
          (source) => sendCommand.call(client, ['EVAL', source, ...command.slice(2)], timeout?.options()),
        );
      },
    };
  }
  return {
    evalScript(script, keys, args) {
      // node-redis only reads the arrays (it copies them into the command it sends).
      const options = { keys: keys as string[], arguments: args as string[] };
      return cached(script, () => client.evalSha(script.sha1, options), (source) => client.eval(source, options));
    },
  };
}

/** Wraps an ioredis client (`new Redis()` / `new Cluster()` of `ioredis` v5+). */
export function fromIoredis(client: IoredisLike): RedisScriptClient {
  const keyPrefix = client.options?.keyPrefix;
  return {
    ...(keyPrefix ? { keyPrefix: typeof keyPrefix === 'string' ? keyPrefix : Buffer.from(keyPrefix).toString('utf8') } : {}),
    evalScript(script, keys, args) {
      const keysAndArgs = keys.concat(args);
      return cached(script, () => client.evalsha(script.sha1, keys.length, ...keysAndArgs), (source) => client.eval(source, keys.length, ...keysAndArgs));
    },
  };
}

/** Which kind of client `value` looks like, or `undefined`. */
export function clientKind(value: unknown): 'script-client' | 'ioredis' | 'node-redis' | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const methods = value as Record<string, unknown>;
  if (typeof methods.evalScript === 'function') return 'script-client';
  // ioredis: lowercase `evalsha` with positional arguments, and `defineCommand`.
  if (typeof methods.evalsha === 'function' && typeof methods.defineCommand === 'function' && typeof methods.eval === 'function') return 'ioredis';
  // node-redis: camel-case `evalSha` taking `{ keys, arguments }`.
  if (typeof methods.evalSha === 'function' && typeof methods.eval === 'function') return 'node-redis';
  return undefined;
}

/**
 * Wraps the application's client: a node-redis or ioredis client is detected by its methods; an
 * object that already has `evalScript` is used as it is. Returns `undefined` for anything else.
 */
export function toScriptClient(client: unknown): RedisScriptClient | undefined {
  switch (clientKind(client)) {
    case 'script-client':
      return client as RedisScriptClient;
    case 'ioredis':
      return fromIoredis(client as IoredisLike);
    case 'node-redis':
      return fromNodeRedis(client as NodeRedisLike);
    default:
      return undefined;
  }
}
