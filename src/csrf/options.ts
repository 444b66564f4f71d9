import { Problems, show } from '../core/config-error.js';
import { checkObject, readBoolean } from '../core/read-option.js';
import { checkOrigin } from '../cors/origins.js';
import { compileRouteMatcher, normalisePath } from '../core/route-matcher.js';
import type { RouteMatcher } from '../core/route-matcher.js';

/**
 * One route that skips the CSRF check, with the reason why and what protects it instead.
 *
 * @example
 * { path: '/webhooks/stripe', methods: ['POST'], reason: 'Stripe webhook, no cookies', protectedBy: 'Stripe-Signature HMAC' }
 */
export interface CsrfExemption {
  /** An exact path (case and a trailing slash ignored). Give `path` or `route`, not both. */
  path?: string;
  /** A route pattern: `/hooks/:provider`, `/api/public/*`. */
  route?: string;
  /** Methods the exemption covers (default: every method). */
  methods?: string[];
  /** Why this route may skip the check. Required and non-empty. */
  reason: string;
  /** The protection that replaces the CSRF check (a signature, an API key…). Without it, `aegis audit csrf` flags the exemption. */
  protectedBy?: string;
}

/**
 * CSRF protection options.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 * @example
 * resolveCsrfOptions({ trustedOrigins: ['https://admin.example.com'], exemptions: [{ path: '/hooks/stripe', methods: ['POST'], reason: 'webhook', protectedBy: 'Stripe-Signature' }] })
 */
export interface CsrfOptions {
  /** Exact origins (`scheme://host[:port]`, no path) trusted besides the request's own origin. Default: none. `'null'` is refused. */
  trustedOrigins?: string[];
  /** Accept unsafe requests whose `Sec-Fetch-Site` is `same-site` (sibling subdomains). Default `false`. */
  allowSameSite?: boolean;
  /** Routes that skip the check; each needs a reason. Default: none. */
  exemptions?: CsrfExemption[];
  /** Request header carrying the token. Default `'x-csrf-token'`. */
  headerName?: string;
  /** Form field carrying the token (urlencoded bodies). Default `'_csrf'`. */
  fieldName?: string;
  /**
   * Where single-page apps fetch their token (`GET`, JSON `{ token, headerName }`), answered by the
   * adapters when the policy has sessions. Default `'/_aegis/csrf-token'`; `false` turns it off.
   */
  tokenEndpoint?: string | false;
}

/** An exemption after validation. */
export interface ResolvedCsrfExemption {
  /** Position in `exemptions`, for audits and events. */
  readonly index: number;
  readonly path?: string;
  readonly route?: string;
  /** Upper-case methods, or `undefined` for every method. */
  readonly methods?: readonly string[];
  readonly reason: string;
  readonly protectedBy?: string;
  /** @internal */
  readonly matches: (method: string, path: string) => boolean;
}

/** CSRF options, validated once; immutable. */
export interface ResolvedCsrfOptions {
  /** Serialised origins (`new URL(o).origin`: lower-case host, default port dropped). */
  readonly trustedOrigins: ReadonlySet<string>;
  readonly allowSameSite: boolean;
  readonly exemptions: readonly ResolvedCsrfExemption[];
  /** Lower-case. */
  readonly headerName: string;
  readonly fieldName: string;
  /** Path of the token endpoint, or undefined when it is off. */
  readonly tokenEndpoint: string | undefined;
  /**
   * True for an origin trusted besides the request's own: `trustedOrigins`, plus (in a policy) the
   * origins CORS lets send credentials. Such an origin passes even with `Sec-Fetch-Site: cross-site`.
   */
  readonly trustsOrigin: (origin: string) => boolean;
}

const KNOWN = ['trustedOrigins', 'allowSameSite', 'exemptions', 'headerName', 'fieldName', 'tokenEndpoint'];
const EXEMPTION_KEYS = ['path', 'route', 'methods', 'reason', 'protectedBy'];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;
const METHOD = /^[A-Z]+$/;
/** `scheme://host[:port]` and nothing else (no path, not even `/`, no query, no credentials). */
const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+$/i;

/**
 * Validates CSRF options once and lists every problem in one {@link AegisConfigError}.
 * @throws AegisConfigError
 */
export function resolveCsrfOptions(options: CsrfOptions = {}, base = 'csrf'): ResolvedCsrfOptions {
  const problems = new Problems();
  const resolved = compileCsrfOptions(options, problems, base);
  problems.throwIfAny('CSRF options');
  return resolved;
}

/**
 * Validates CSRF options into `problems` (the policy's `csrf` option). `extraTrust` adds origins
 * trusted by another part of the policy (CORS with credentials).
 * @internal
 */
export function compileCsrfOptions(options: unknown, problems: Problems, base: string, extraTrust?: (origin: string) => boolean): ResolvedCsrfOptions {
  const raw: Record<string, unknown> = checkObject(options, KNOWN, problems, base, '{ trustedOrigins: [...], exemptions: [...] }') ? (options as Record<string, unknown>) : {};
  const trustedOrigins = readOrigins(raw.trustedOrigins, problems, `${base}.trustedOrigins`);
  return Object.freeze({
    trustedOrigins,
    allowSameSite: readBoolean(raw.allowSameSite, false, problems, `${base}.allowSameSite`),
    exemptions: Object.freeze(readExemptions(raw.exemptions, problems, `${base}.exemptions`)),
    headerName: readHeaderName(raw.headerName, problems, `${base}.headerName`),
    fieldName: readFieldName(raw.fieldName, problems, `${base}.fieldName`),
    tokenEndpoint: readTokenEndpoint(raw.tokenEndpoint, problems, `${base}.tokenEndpoint`),
    trustsOrigin: extraTrust ? (origin: string) => trustedOrigins.has(origin) || extraTrust(origin) : (origin: string) => trustedOrigins.has(origin),
  });
}

const DEFAULT_TOKEN_ENDPOINT = '/_aegis/csrf-token';

function readTokenEndpoint(raw: unknown, problems: Problems, path: string): string | undefined {
  if (raw === undefined) return DEFAULT_TOKEN_ENDPOINT;
  if (raw === false) return undefined;
  if (typeof raw === 'string' && /^\/[^\s?#*]*$/.test(raw) && !raw.split('/').some((s) => s.startsWith(':'))) return raw;
  problems.add(path, `${show(raw)} is not an exact path.`, `write tokenEndpoint: '${DEFAULT_TOKEN_ENDPOINT}', or false to turn it off.`);
  return DEFAULT_TOKEN_ENDPOINT;
}

/** The serialised origin of `value` when it is exactly `scheme://host[:port]` over http(s); else undefined. @internal */
export function parseOrigin(value: string): string | undefined {
  if (!ORIGIN_SHAPE.test(value)) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

function readOrigins(raw: unknown, problems: Problems, path: string): ReadonlySet<string> {
  const origins = new Set<string>();
  if (raw === undefined) return origins;
  if (!Array.isArray(raw)) {
    problems.add(path, `expected an array of origins, got ${show(raw)}.`, "write trustedOrigins: ['https://admin.example.com'].");
    return origins;
  }
  raw.forEach((entry: unknown, i) => {
    const at = `${path}[${i}]`;
    // The same origin rules as cors.origins and the `origins` configuration type.
    const checked = checkOrigin(entry);
    if (!checked.ok) problems.add(at, checked.message, checked.fix);
    else if (checked.rule.kind === 'exact') origins.add(checked.rule.text);
    else if (checked.rule.kind === 'null') {
      problems.add(at, "'null' is the origin of sandboxed frames, file: pages and redirects: any site can produce it.", 'remove it; list the real https:// origin of the page that posts to you.');
    } else {
      problems.add(at, `${show(entry)} is not one origin: trustedOrigins takes exact origins.`, 'list each origin, or allow them in cors.origins (the CSRF check trusts the origins CORS lists).');
    }
  });
  return Object.freeze(origins) as ReadonlySet<string>;
}

function readExemptions(raw: unknown, problems: Problems, path: string): ResolvedCsrfExemption[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.add(path, `expected an array, got ${show(raw)}.`, "write exemptions: [{ path: '/hooks/stripe', methods: ['POST'], reason: '…', protectedBy: '…' }].");
    return [];
  }
  const list: ResolvedCsrfExemption[] = [];
  raw.forEach((entry: unknown, index) => {
    const at = `${path}[${index}]`;
    const example = "{ path: '/hooks/stripe', methods: ['POST'], reason: 'signed webhook', protectedBy: 'Stripe-Signature' }";
    if (!checkObject(entry, EXEMPTION_KEYS, problems, at, example)) return;
    const before = problems.count;
    const e = entry as Record<string, unknown>;
    const reason = typeof e.reason === 'string' ? e.reason.trim() : '';
    if (reason === '') problems.add(`${at}.reason`, `exemption ${index} has no reason (got ${show(e.reason)}).`, "say why this route may skip the CSRF check, e.g. reason: 'payment provider webhook, no cookies'.");
    let protectedBy: string | undefined;
    if (e.protectedBy !== undefined) {
      if (typeof e.protectedBy === 'string' && e.protectedBy.trim() !== '') protectedBy = e.protectedBy.trim();
      else problems.add(`${at}.protectedBy`, `${show(e.protectedBy)} is not a description.`, "name the replacing protection, e.g. 'Stripe-Signature HMAC', or leave it out.");
    }
    const methods = readMethods(e.methods, problems, `${at}.methods`);
    const matcher = readTarget(e, problems, at);
    if (problems.count > before || matcher === undefined) return;
    const methodSet = methods ? new Set(methods) : undefined;
    list.push(
      Object.freeze({
        index,
        ...(typeof e.path === 'string' ? { path: e.path } : { route: e.route as string }),
        ...(methods ? { methods: Object.freeze(methods) } : {}),
        reason,
        ...(protectedBy ? { protectedBy } : {}),
        matches: (method: string, requestPath: string) => (methodSet === undefined || methodSet.has(method)) && matcher(requestPath),
      }),
    );
  });
  return list;
}

function readTarget(e: Record<string, unknown>, problems: Problems, at: string): ((path: string) => boolean) | undefined {
  if ((e.path === undefined) === (e.route === undefined)) {
    problems.add(at, 'an exemption needs exactly one of path or route.', "write path: '/hooks/stripe' (exact) or route: '/hooks/:provider' (pattern).");
    return undefined;
  }
  if (e.path !== undefined) {
    const p = e.path;
    if (typeof p !== 'string' || !p.startsWith('/') || /[\s?#*]/.test(p) || p.split('/').some((s) => s.startsWith(':'))) {
      problems.add(`${at}.path`, `${show(p)} is not an exact path.`, "write a path starting with '/' without '*', ':name', '?' or '#'; use route for patterns.");
      return undefined;
    }
    const exact = normalisePath(p);
    return (path) => normalisePath(path) === exact;
  }
  const scratch = new Problems();
  const compiled: RouteMatcher<true> | undefined = compileRouteMatcher([{ path: e.route, value: true as const }], scratch, 'route');
  for (const problem of scratch.list) problems.add(`${at}.route`, problem.message, problem.fix);
  if (compiled === undefined) return undefined;
  return (path) => compiled.match('GET', path) === true;
}

function readMethods(raw: unknown, problems: Problems, path: string): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? (raw as unknown[]).map((m) => (typeof m === 'string' ? m.toUpperCase() : '')) : [];
  if (list.length === 0 || list.some((m) => !METHOD.test(m))) {
    problems.add(path, `${show(raw)} is not a list of methods.`, "write methods: ['POST'] (leave it out for every method).");
    return undefined;
  }
  return [...new Set(list)];
}

function readHeaderName(raw: unknown, problems: Problems, path: string): string {
  if (raw === undefined) return 'x-csrf-token';
  if (typeof raw === 'string' && HEADER_NAME.test(raw)) return raw.toLowerCase();
  problems.add(path, `${show(raw)} is not a header name.`, "write headerName: 'x-csrf-token'.");
  return 'x-csrf-token';
}

function readFieldName(raw: unknown, problems: Problems, path: string): string {
  if (raw === undefined) return '_csrf';
  if (typeof raw === 'string' && raw.trim() !== '' && raw === raw.trim()) return raw;
  problems.add(path, `${show(raw)} is not a form field name.`, "write fieldName: '_csrf'.");
  return '_csrf';
}
