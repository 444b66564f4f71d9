import { show, type Problems } from '../core/config-error.js';
import { checkObject } from '../core/read-option.js';
import { compileRouteMatcher, type RouteMatcher } from '../core/route-matcher.js';
import type { RateLimitStore } from '../stores/rate-limit-store.js';
import { DEFAULT_IPV6_PREFIX, isIpv6Prefix } from './client-key.js';
import { formatRateLimitPolicy } from './headers.js';
import { compileRateLimitRule, type CompiledRateLimitRule, type RateLimitRule } from './rule.js';

/**
 * Rate limits, enforced before the application (and before the CSRF check) on every request
 * they match.
 * @example
 * rateLimit: {
 *   store: redisRateLimitStore({ client }),
 *   default: { limit: '600/min' },
 *   routes: { 'POST /api/sms': [{ limit: '200/min' }, { limit: '1000/hour', by: 'user' }], 'GET /health': false },
 * }
 */
export interface RateLimitOptions {
  /** Where the counters live (`aegis/stores`: memory, SQLite or Redis rate-limit store). */
  store: RateLimitStore;
  /** Limits for every request no route entry matches. Default: none. */
  default?: RateLimitRule | RateLimitRule[];
  /**
   * Limits per route: `'POST /api/sms'` (one method), `'/api/*'` (every method); `false` exempts a
   * route from `default`. First match wins, in the order written.
   */
  routes?: Record<string, RateLimitRule | RateLimitRule[] | false>;
  /** IPv6 clients are counted per network of this prefix length (default 56). */
  ipv6Prefix?: number;
}

/** One set of rules, as matched for a request. */
export interface CompiledLimitSet {
  /** Distinguishes the counters of different routes with the same rule names. */
  readonly id: string;
  readonly rules: readonly CompiledRateLimitRule[];
  /** The `RateLimit-Policy` value, computed once. */
  readonly policyHeader: string;
}

/** Rate limits after validation. */
export interface CompiledRateLimit {
  readonly store: RateLimitStore;
  readonly ipv6Prefix: number;
  readonly routes: RouteMatcher<CompiledLimitSet | false> | undefined;
  readonly fallback: CompiledLimitSet | undefined;
}

const KEYS = ['store', 'default', 'routes', 'ipv6Prefix'];
const ROUTE_KEY = /^(?:([A-Za-z]+)\s+)?(\/\S*)$/;

/** Validates the policy's `rateLimit` option into `problems`. @internal */
export function compileRateLimit(raw: unknown, problems: Problems, path: string): CompiledRateLimit | undefined {
  if (!checkObject(raw, KEYS, problems, path, "{ store: memoryRateLimitStore(), default: { limit: '600/min' } }")) return undefined;
  const options = raw as Record<string, unknown>;
  const store = options.store as Partial<RateLimitStore> | undefined;
  if (typeof store !== 'object' || store === null || typeof store.consume !== 'function' || typeof store.reset !== 'function') {
    problems.add(`${path}.store`, `expected a RateLimitStore, got ${show(store)}.`, 'pass memoryRateLimitStore(), sqliteRateLimitStore({ file }) or redisRateLimitStore({ client }) from aegis/stores.');
  }
  let ipv6Prefix = DEFAULT_IPV6_PREFIX;
  if (options.ipv6Prefix !== undefined) {
    if (isIpv6Prefix(options.ipv6Prefix)) ipv6Prefix = options.ipv6Prefix;
    else problems.add(`${path}.ipv6Prefix`, `${show(options.ipv6Prefix)} is not a prefix length from 32 to 128.`, 'write ipv6Prefix: 56 (a home or office delegation) or 64 (one LAN).');
  }
  const fallback = options.default === undefined ? undefined : compileSet('default', options.default, problems, `${path}.default`);
  let routes: RouteMatcher<CompiledLimitSet | false> | undefined;
  if (options.routes !== undefined) {
    if (typeof options.routes !== 'object' || options.routes === null || Array.isArray(options.routes)) {
      problems.add(`${path}.routes`, `expected an object, got ${show(options.routes)}.`, "write routes: { 'POST /api/sms': { limit: '200/min' } }.");
    } else {
      const rules = Object.entries(options.routes as Record<string, unknown>).map(([key, value]) => {
        const at = `${path}.routes[${JSON.stringify(key)}]`;
        const parsed = ROUTE_KEY.exec(key.trim());
        if (!parsed) problems.add(at, 'is not a route.', "write 'POST /api/sms', 'GET /users/:id' or '/api/*'.");
        const limits: CompiledLimitSet | false = value === false ? false : (compileSet(key, value, problems, at) ?? false);
        return { path: parsed?.[2], ...(parsed?.[1] ? { method: parsed[1].toUpperCase() } : {}), value: limits };
      });
      routes = compileRouteMatcher(rules, problems, `${path}.routes`);
    }
  }
  return { store: store as RateLimitStore, ipv6Prefix, routes, fallback };
}

function compileSet(id: string, raw: unknown, problems: Problems, path: string): CompiledLimitSet | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) {
    problems.add(path, 'an empty list limits nothing.', "give at least one rule, or write false to exempt the route.");
    return undefined;
  }
  const rules = list.map((rule, i) => {
    const at = Array.isArray(raw) ? `${path}[${i}]` : path;
    return compileRateLimitRule(rule, problems, at);
  });
  if (rules.some((rule) => rule === undefined)) return undefined;
  const compiled = rules as CompiledRateLimitRule[];
  const names = new Set(compiled.map((rule) => rule.name));
  if (names.size !== compiled.length) {
    problems.add(path, 'two rules share a name, so their counters and headers would mix.', "give each rule its own name: { name: 'sms-per-ip', … }.");
    return undefined;
  }
  return Object.freeze({ id, rules: Object.freeze(compiled), policyHeader: formatRateLimitPolicy(compiled.map((rule) => rule.quota)) });
}

/** The limits for a request, or undefined when none apply. @internal */
export function limitsFor(compiled: CompiledRateLimit, method: string, path: string): CompiledLimitSet | undefined {
  const matched = compiled.routes?.match(method, path);
  if (matched === false) return undefined;
  return matched ?? compiled.fallback;
}
