import { show, type Problems } from '../core/config-error.js';
import { checkObject, readDuration, readSize } from '../core/read-option.js';
import type { Duration, Size } from '../core/units.js';
import type { IdempotencyStore } from '../stores/idempotency-store.js';

/**
 * Idempotency keys (IETF httpapi `Idempotency-Key` draft) for the routes that opt in with
 * `routes[].idempotency`: the first request with a key runs, its response is stored, and a repeat
 * gets the stored response instead of running again. Keys belong to one client: the API key when
 * the route requires one, else the signed-in user, else the client IP; clients never share keys.
 * @example
 * idempotency: { store: sqliteIdempotencyStore({ file: './data/aegis.db' }), ttl: '24h' },
 * routes: [{ path: '/api/payments', method: 'POST', idempotency: true }],
 */
export interface IdempotencyOptions {
  /** Where keys and responses live (`aegis/stores`: memory, SQLite or Redis idempotency store). */
  store: IdempotencyStore;
  /** How long a finished response is kept for repeats. Default `'24h'`. */
  ttl?: Duration;
  /**
   * How long a running request holds its key: a repeat meanwhile gets 409. When a process dies
   * mid-request, the key is free again after this. Default `'1m'`; make it longer than the
   * route's slowest response.
   */
  lockTimeout?: Duration;
  /** The largest response body stored for replay. Default `'1mb'`; a larger body is replayed as status and headers only. */
  maxResponseSize?: Size;
  /** The request header. Default `'idempotency-key'`. */
  header?: string;
}

/** A route's opt-in: `true` (the key is required) or `{ required: false }` (used when sent). */
export type IdempotencyRouteOption = boolean | { readonly required?: boolean };

/** The policy's idempotency settings after validation. @internal */
export interface CompiledIdempotency {
  readonly store: IdempotencyStore;
  readonly ttlMs: number;
  readonly lockMs: number;
  readonly maxResponseBytes: number;
  /** Lower-case header name. */
  readonly header: string;
}

/** A route's compiled opt-in. @internal */
export interface IdempotencyRoute {
  readonly required: boolean;
}

const KEYS = ['store', 'ttl', 'lockTimeout', 'maxResponseSize', 'header'];
const DAY_MS = 24 * 3_600_000;
const MAX_DURATION_MS = 365 * DAY_MS;

/** Validates the policy's `idempotency` option into `problems`. @internal */
export function compileIdempotency(raw: unknown, problems: Problems, path: string): CompiledIdempotency | undefined {
  if (!checkObject(raw, KEYS, problems, path, '{ store: memoryIdempotencyStore() }')) return undefined;
  const options = raw as Record<string, unknown>;
  const store = options['store'] as Partial<IdempotencyStore> | undefined;
  if (typeof store !== 'object' || store === null || typeof store.begin !== 'function' || typeof store.complete !== 'function' || typeof store.release !== 'function') {
    problems.add(`${path}.store`, `expected an IdempotencyStore, got ${show(store)}.`, 'pass memoryIdempotencyStore(), sqliteIdempotencyStore({ file }) or redisIdempotencyStore({ client }) from aegis/stores.');
  }
  const ttlMs = readDuration(options['ttl'], DAY_MS, problems, `${path}.ttl`);
  const lockMs = readDuration(options['lockTimeout'], 60_000, problems, `${path}.lockTimeout`);
  for (const [name, ms] of [['ttl', ttlMs], ['lockTimeout', lockMs]] as const) {
    if (ms <= 0 || ms > MAX_DURATION_MS) problems.add(`${path}.${name}`, `must be more than 0 and at most 365 days, got ${show(options[name])}.`, name === 'ttl' ? "write ttl: '24h'." : "write lockTimeout: '1m'.");
  }
  const maxResponseBytes = readSize(options['maxResponseSize'], 1024 * 1024, problems, `${path}.maxResponseSize`);
  let header = 'idempotency-key';
  if (options['header'] !== undefined) {
    if (typeof options['header'] === 'string' && /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(options['header'])) header = options['header'].toLowerCase();
    else problems.add(`${path}.header`, `must be a header name, got ${show(options['header'])}.`, "write header: 'idempotency-key', or leave it out.");
  }
  return { store: store as IdempotencyStore, ttlMs, lockMs, maxResponseBytes, header };
}

/** Validates `routes[].idempotency`. @internal */
export function readIdempotencyRoute(raw: unknown, problems: Problems, path: string): IdempotencyRoute | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return { required: true };
  if (!checkObject(raw, ['required'], problems, path, '{ required: false }')) return undefined;
  const required = (raw as Record<string, unknown>)['required'];
  if (required !== undefined && typeof required !== 'boolean') {
    problems.add(`${path}.required`, `expected true or false, got ${show(required)}.`, 'write idempotency: true (a key is required) or idempotency: { required: false }.');
    return undefined;
  }
  return { required: required !== false };
}
