import { AegisConfigError, Problems, show } from '../core/config-error.js';
import { checkObject, readBoolean } from '../core/read-option.js';
import { readAllowedHeaders, readExposedHeaders, readMaxAge, readMethods } from './lists.js';
import { checkOrigins, isSingleOriginValue, matchesPattern, type OriginPattern, type OriginRule } from './origins.js';
import { buildPlan, type CorsPlan } from './plan.js';

/**
 * Cross-origin resource sharing: which other origins may read this server's responses from a
 * script, and with which methods and headers. Nothing is shared unless listed.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS
 * @example
 * resolveCorsOptions({ origins: ['https://app.example.com', 'https://*.example.com'], credentials: true, maxAge: '10m' })
 */
export interface CorsOptions {
  /**
   * Allowed origins. Required and non-empty. Each entry is one of:
   *
   * - an exact origin, `scheme://host[:port]` over `https:` or `http:` with no path (not even `/`),
   *   query, fragment or user info: `'https://app.example.com'`, `'http://localhost:3000'`. Scheme
   *   and host case and a default port are normalised (`new URL(o).origin`).
   * - a pattern with one leading wildcard label: `'https://*.example.com'` allows every subdomain at
   *   any depth (`a.example.com`, `a.b.example.com`), never `example.com` itself, never another
   *   scheme or port (`'https://*.example.com:8443'` names one). The wildcard is the whole first
   *   label; the domain has at least two labels (or is `localhost`).
   * - `'null'`, literally: the opaque origin of sandboxed iframes, `data:` and `file:` documents and
   *   some redirects. Discouraged: any site can produce it by framing a sandboxed page, so allowing it
   *   is close to allowing every origin. Refused together with `credentials: true`.
   * - `'*'` alone: any origin, answered with `Access-Control-Allow-Origin: *`; public data only, so
   *   refused with `credentials: true`. Even then `Origin: null` preflights are refused.
   */
  origins: readonly string[];
  /**
   * Send `Access-Control-Allow-Credentials: true`, letting listed origins read responses to
   * requests made with cookies or HTTP authentication. Default `false`. Not allowed with `'*'` or
   * `'null'` in `origins`, nor with `'*'` in `allowedHeaders` or `exposedHeaders`.
   */
  credentials?: boolean;
  /**
   * Methods a preflight may ask for. Default `['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']`.
   * Upper-cased here, and compared exactly with what the browser asks: `fetch` upper-cases only
   * DELETE, GET, HEAD, OPTIONS, POST and PUT, so a page must write `'PATCH'`, not `'patch'`.
   * Simple methods must be listed too for a preflight to pass; note that a simple GET or POST is
   * sent without a preflight whatever this list says (CORS governs reading the answer: CSRF
   * protection governs the request).
   */
  methods?: readonly string[];
  /**
   * Request headers a preflight may ask for, lower-cased. Default `['content-type', 'x-csrf-token']`.
   * `accept`, `accept-language` and `content-language` are always accepted (CORS-safelisted).
   * `'*'` allows any name but `authorization` (list it explicitly); refused with credentials.
   */
  allowedHeaders?: readonly string[];
  /** Response headers scripts may read beyond the safelisted ones, lower-cased. Default none. `'*'` is refused with credentials. */
  exposedHeaders?: readonly string[];
  /**
   * How long a browser may cache a preflight answer: milliseconds or a duration string (`'10m'`).
   * Default 10 minutes. Sent as whole seconds; up to 24 hours (Firefox's cap; Chromium uses at
   * most 2 hours). Less than one second other than 0 is refused: it looks like seconds given as ms.
   */
  maxAge?: number | string;
}

/** CORS options, validated and compiled once; immutable. */
export interface ResolvedCors {
  /** `origins: ['*']`: any origin except `null`, answered with `*`. */
  readonly allowAny: boolean;
  /** `'null'` is listed. */
  readonly allowNull: boolean;
  /** Exact serialised origins. */
  readonly exact: ReadonlySet<string>;
  /** Wildcard patterns, in the order given. */
  readonly patterns: readonly OriginPattern[];
  readonly credentials: boolean;
  /** Upper-case. */
  readonly methods: readonly string[];
  /** Lower-case, as configured (without the implicit safelisted names). */
  readonly allowedHeaders: readonly string[];
  /** Lower-case. */
  readonly exposedHeaders: readonly string[];
  /** The preflight cache lifetime sent in `Access-Control-Max-Age`. */
  readonly maxAgeSeconds: number;
  /** Precomputed header values and answers. @internal */
  readonly plan: CorsPlan;
}

const KNOWN = ['origins', 'credentials', 'methods', 'allowedHeaders', 'exposedHeaders', 'maxAge'];
const EXAMPLE = "{ origins: ['https://app.example.com'] }";

/**
 * Validates CORS options, adding every problem to `problems` under `path` (e.g. `'cors'`).
 * Returns `undefined` when any problem was found.
 */
export function compileCors(raw: unknown, problems: Problems, path: string): ResolvedCors | undefined {
  if (!checkObject(raw, KNOWN, problems, path, EXAMPLE)) return undefined;
  const before = problems.count;
  const credentials = readBoolean(raw.credentials, false, problems, `${path}.credentials`);
  const rules = readOrigins(raw.origins, credentials, problems, path);
  const methods = readMethods(raw.methods, problems, `${path}.methods`);
  const allowedHeaders = readAllowedHeaders(raw.allowedHeaders, credentials, problems, `${path}.allowedHeaders`);
  const exposedHeaders = readExposedHeaders(raw.exposedHeaders, credentials, problems, `${path}.exposedHeaders`);
  const maxAgeSeconds = readMaxAge(raw.maxAge, problems, `${path}.maxAge`);
  if (problems.count > before) return undefined;

  const exact = new Set<string>();
  const patterns: OriginPattern[] = [];
  for (const rule of rules) {
    if (rule.kind === 'exact') exact.add(rule.text);
    else if (rule.kind === 'pattern') patterns.push(Object.freeze(rule));
  }
  const allowAny = rules.some((r) => r.kind === 'any');
  const allowNull = rules.some((r) => r.kind === 'null');
  const input = { allowAny, allowNull, exact, credentials, methods, allowedHeaders, exposedHeaders, maxAgeSeconds };
  return Object.freeze({ ...input, exact: Object.freeze(exact) as ReadonlySet<string>, patterns: Object.freeze(patterns), plan: buildPlan(input) });
}

/**
 * Validates CORS options once and lists every problem in one {@link AegisConfigError}.
 * @throws AegisConfigError
 * @example
 * const cors = resolveCorsOptions({ origins: ['https://app.example.com'], credentials: true });
 */
export function resolveCorsOptions(options: CorsOptions): ResolvedCors {
  const problems = new Problems();
  const resolved = compileCors(options, problems, 'cors');
  if (resolved === undefined || problems.count > 0) throw new AegisConfigError(problems.list, 'CORS options');
  return resolved;
}

/**
 * True when `origin`, an `Origin` header value as the browser sent it, is allowed. Exact origins
 * are compared byte for byte with the normalised list, so a value that is not a serialised origin
 * (a path, a trailing `/`, upper case, a default port, spaces, several origins) never matches.
 * `'null'` passes only when listed. With `'*'`, any single value but `'null'` passes. Never throws.
 */
export function corsAllowsOrigin(resolved: ResolvedCors, origin: string): boolean {
  if (typeof origin !== 'string') return false;
  if (resolved.exact.has(origin)) return true;
  if (origin === 'null') return resolved.allowNull;
  if (resolved.allowAny) return isSingleOriginValue(origin);
  for (const pattern of resolved.patterns) {
    if (matchesPattern(pattern, origin)) return true;
  }
  return false;
}

function readOrigins(raw: unknown, credentials: boolean, problems: Problems, base: string): readonly OriginRule[] {
  const path = `${base}.origins`;
  if (raw === undefined) {
    problems.add(path, 'is required: no origin is allowed by default.', "list the origins that may read responses, e.g. origins: ['https://app.example.com'].");
    return [];
  }
  if (!Array.isArray(raw)) {
    const fix = typeof raw === 'string' ? `write origins: [${JSON.stringify(raw)}].` : "write origins: ['https://app.example.com'].";
    problems.add(path, `expected an array of origins, got ${show(raw)}.`, fix);
    return [];
  }
  if (raw.length === 0) {
    problems.add(path, 'is empty: no origin would be allowed.', "list the origins, e.g. origins: ['https://app.example.com'], or leave CORS off.");
    return [];
  }
  const { rules, problems: found } = checkOrigins(raw);
  for (const p of found) problems.add(`${path}[${p.index}]`, p.message, p.fix);
  if (!credentials) return rules;
  raw.forEach((entry: unknown, i) => {
    if (entry === '*' && raw.length === 1) {
      problems.add(
        `${base}.credentials`,
        "credentials: true cannot be combined with origins: ['*']: browsers refuse 'Access-Control-Allow-Origin: *' on credentialed requests, and allowing any origin with credentials would expose signed-in responses to every site.",
        "list the origins that may send credentials, e.g. origins: ['https://app.example.com'], or set credentials: false.",
      );
    } else if (entry === 'null') {
      problems.add(
        `${path}[${i}]`,
        "'null' with credentials: true would let any site read signed-in responses: every page can produce Origin: null from a sandboxed iframe.",
        "remove 'null' and list the real https:// origins, or set credentials: false.",
      );
    }
  });
  return rules;
}
