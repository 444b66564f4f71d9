import type { HeaderPair } from '../headers/plan.js';
import type { CorsDecision, CorsRefusal } from './decide.js';

/**
 * Everything {@link decideCors} answers with, built once when the options are compiled: header
 * values are joined here, and the decisions for exact origins are frozen objects reused by every
 * request. Only an origin matched by a pattern costs a new (small) array per request.
 * @internal
 */
export interface CorsPlan {
  /** Upper-case methods, compared exactly with `Access-Control-Request-Method`. */
  readonly methods: ReadonlySet<string>;
  /** Lower-case request header names allowed, with the implicit safelisted ones. */
  readonly headers: ReadonlySet<string>;
  /** `'*'` is in `allowedHeaders` (never with credentials): any name but `authorization`. */
  readonly anyHeader: boolean;
  /** Answers to actual requests by exact origin (and `'null'` when listed). */
  readonly actual: ReadonlyMap<string, CorsDecision>;
  /** Allowed preflight answers by exact origin (and `'null'` when listed). */
  readonly preflight: ReadonlyMap<string, CorsDecision>;
  /** With `origins: ['*']`: the answer to every actual request, and to every allowed preflight. */
  readonly anyActual: CorsDecision | undefined;
  readonly anyPreflight: CorsDecision | undefined;
  /** An actual request whose origin is not allowed, or absent: `Vary: Origin` only. */
  readonly varyOrigin: CorsDecision;
  readonly refused: Readonly<Record<CorsRefusal, CorsDecision>>;
  /** The headers after `Access-Control-Allow-Origin`, for an origin matched by a pattern. */
  readonly actualTail: readonly HeaderPair[];
  readonly preflightTail: readonly HeaderPair[];
}

/** What {@link buildPlan} needs from the validated options. @internal */
export interface PlanInput {
  readonly allowAny: boolean;
  readonly allowNull: boolean;
  readonly exact: ReadonlySet<string>;
  readonly credentials: boolean;
  readonly methods: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposedHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

/**
 * Request headers a page may send without listing them (CORS-safelisted names). A browser still
 * names one in `Access-Control-Request-Headers` when its value is unusual (too long, odd bytes), so
 * they are accepted and always included in `Access-Control-Allow-Headers`. `content-type` is not
 * among them: it is safelisted only for three media types, so JSON needs it listed (the default does).
 */
export const IMPLICIT_HEADERS: readonly string[] = Object.freeze(['accept', 'accept-language', 'content-language']);

export const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
const VARY_ORIGIN = 'Origin';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
const REFUSALS: readonly CorsRefusal[] = ['origin-not-allowed', 'null-origin', 'method-not-allowed', 'header-not-allowed', 'malformed'];

/** Freezes a list of header pairs and each pair. @internal */
export function freezeHeaders(headers: readonly HeaderPair[]): readonly HeaderPair[] {
  return Object.freeze(headers.map((pair) => Object.freeze([pair[0], pair[1]] as const)));
}

/** @internal */
export function buildPlan(input: PlanInput): CorsPlan {
  const anyHeader = input.allowedHeaders.includes('*');
  const allowHeaders = anyHeader ? input.allowedHeaders : [...input.allowedHeaders, ...IMPLICIT_HEADERS.filter((h) => !input.allowedHeaders.includes(h))];
  const credentials: HeaderPair[] = input.credentials ? [['Access-Control-Allow-Credentials', 'true']] : [];
  const expose: HeaderPair[] = input.exposedHeaders.length > 0 ? [['Access-Control-Expose-Headers', input.exposedHeaders.join(', ')]] : [];
  const preflightCommon: HeaderPair[] = [
    ['Access-Control-Allow-Methods', input.methods.join(', ')],
    ['Access-Control-Allow-Headers', allowHeaders.join(', ')],
    ['Access-Control-Max-Age', String(input.maxAgeSeconds)],
    ['Vary', VARY_PREFLIGHT],
  ];
  const actualTail = freezeHeaders([...credentials, ...expose, ['Vary', VARY_ORIGIN]]);
  const preflightTail = freezeHeaders([...credentials, ...preflightCommon]);

  const actual = new Map<string, CorsDecision>();
  const preflight = new Map<string, CorsDecision>();
  const origins = input.allowNull ? [...input.exact, 'null'] : [...input.exact];
  for (const origin of origins) {
    actual.set(origin, actualDecision(origin, actualTail));
    preflight.set(origin, preflightDecision(origin, preflightTail));
  }
  const refused = Object.fromEntries(
    REFUSALS.map((reason) => [reason, Object.freeze({ kind: 'refused', status: 403, reason, headers: freezeHeaders([['Vary', VARY_PREFLIGHT]]) } as const)]),
  ) as Record<CorsRefusal, CorsDecision>;
  return Object.freeze({
    methods: new Set(input.methods),
    headers: new Set([...input.allowedHeaders, ...IMPLICIT_HEADERS]),
    anyHeader,
    actual,
    preflight,
    anyActual: input.allowAny ? Object.freeze({ kind: 'actual', headers: freezeHeaders([[ALLOW_ORIGIN, '*'], ...expose]) } as const) : undefined,
    anyPreflight: input.allowAny ? Object.freeze({ kind: 'preflight', status: 204, headers: freezeHeaders([[ALLOW_ORIGIN, '*'], ...preflightCommon]) } as const) : undefined,
    varyOrigin: Object.freeze({ kind: 'actual', headers: freezeHeaders([['Vary', VARY_ORIGIN]]) } as const),
    refused: Object.freeze(refused),
    actualTail,
    preflightTail,
  });
}

/** The answer to an actual request from an allowed `origin`. @internal */
export function actualDecision(origin: string, tail: readonly HeaderPair[]): CorsDecision {
  return Object.freeze({ kind: 'actual', headers: Object.freeze([Object.freeze([ALLOW_ORIGIN, origin] as const), ...tail]) });
}

/** The answer to an allowed preflight from `origin`. @internal */
export function preflightDecision(origin: string, tail: readonly HeaderPair[]): CorsDecision {
  return Object.freeze({ kind: 'preflight', status: 204, headers: Object.freeze([Object.freeze([ALLOW_ORIGIN, origin] as const), ...tail]) });
}
