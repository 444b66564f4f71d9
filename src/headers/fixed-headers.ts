import type { Problems } from '../core/config-error.js';
import { readBoolean, readEnum } from '../core/read-option.js';
import { show } from '../core/config-error.js';

/** The `Referrer-Policy` tokens. @see https://www.w3.org/TR/referrer-policy/#referrer-policies */
export const REFERRER_POLICIES = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'origin',
  'origin-when-cross-origin',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
] as const;
export type ReferrerPolicy = (typeof REFERRER_POLICIES)[number];

export const OPENER_POLICIES = ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'] as const;
export const RESOURCE_POLICIES = ['same-site', 'same-origin', 'cross-origin'] as const;
export const EMBEDDER_POLICIES = ['require-corp', 'credentialless', 'unsafe-none'] as const;
export const CROSS_DOMAIN_POLICIES = ['none', 'master-only', 'by-content-type', 'all'] as const;
export const FRAME_OPTIONS = ['DENY', 'SAMEORIGIN'] as const;

/** The headers whose value is one fixed token: their options, defaults and how each reads. */
export interface FixedHeaderOptions {
  /** `X-Content-Type-Options: nosniff`. Default `true`. */
  xContentTypeOptions?: boolean;
  /** `Referrer-Policy`; a list gives fallbacks for old browsers. Default `'strict-origin-when-cross-origin'`. */
  referrerPolicy?: ReferrerPolicy | readonly ReferrerPolicy[] | false;
  /** `Cross-Origin-Opener-Policy`. Default `'same-origin'`. */
  crossOriginOpenerPolicy?: (typeof OPENER_POLICIES)[number] | false;
  /** `Cross-Origin-Resource-Policy`. Default `'same-site'`. */
  crossOriginResourcePolicy?: (typeof RESOURCE_POLICIES)[number] | false;
  /** `Cross-Origin-Embedder-Policy`. Opt-in (it blocks cross-origin resources that do not opt in). Default `false`. */
  crossOriginEmbedderPolicy?: (typeof EMBEDDER_POLICIES)[number] | false;
  /** `Origin-Agent-Cluster: ?1`. Default `true`. */
  originAgentCluster?: boolean;
  /** `X-DNS-Prefetch-Control`. Default `'off'`. */
  xDnsPrefetchControl?: 'off' | 'on' | false;
  /** `X-Permitted-Cross-Domain-Policies`. Default `'none'`. */
  xPermittedCrossDomainPolicies?: (typeof CROSS_DOMAIN_POLICIES)[number] | false;
  /**
   * `X-XSS-Protection: 0`. Default `true`, which sends `0` to switch the legacy filter off: the
   * filter of old browsers could be abused to delete parts of a page or leak data across origins,
   * and CSP is the real protection. `false` sends nothing.
   */
  xXssProtection?: boolean;
}

type Pair = readonly [string, string];

/** Resolves the fixed-token headers into `[name, value]` pairs, in a stable order. */
export function compileFixedHeaders(opts: FixedHeaderOptions, problems: Problems, path: string): Pair[] {
  const pairs: Pair[] = [];
  const at = (key: string) => `${path}.${key}`;
  if (readBoolean(opts.xContentTypeOptions, true, problems, at('xContentTypeOptions'))) pairs.push(['X-Content-Type-Options', 'nosniff']);
  const referrer = readReferrerPolicy(opts.referrerPolicy, problems, at('referrerPolicy'));
  if (referrer) pairs.push(['Referrer-Policy', referrer]);
  const token = (key: keyof FixedHeaderOptions, header: string, allowed: readonly string[], fallback: string | false) => {
    const raw = opts[key];
    if (raw === false || (raw === undefined && fallback === false)) return;
    const value = readEnum(raw, allowed, (fallback || allowed[0]) as string, problems, at(key));
    pairs.push([header, value]);
  };
  token('crossOriginOpenerPolicy', 'Cross-Origin-Opener-Policy', OPENER_POLICIES, 'same-origin');
  token('crossOriginResourcePolicy', 'Cross-Origin-Resource-Policy', RESOURCE_POLICIES, 'same-site');
  token('crossOriginEmbedderPolicy', 'Cross-Origin-Embedder-Policy', EMBEDDER_POLICIES, false);
  if (readBoolean(opts.originAgentCluster, true, problems, at('originAgentCluster'))) pairs.push(['Origin-Agent-Cluster', '?1']);
  token('xDnsPrefetchControl', 'X-DNS-Prefetch-Control', ['off', 'on'], 'off');
  token('xPermittedCrossDomainPolicies', 'X-Permitted-Cross-Domain-Policies', CROSS_DOMAIN_POLICIES, 'none');
  if (readBoolean(opts.xXssProtection, true, problems, at('xXssProtection'))) pairs.push(['X-XSS-Protection', '0']);
  return pairs;
}

function readReferrerPolicy(raw: unknown, problems: Problems, path: string): string | undefined {
  if (raw === false) return undefined;
  if (raw === undefined) return 'strict-origin-when-cross-origin';
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const bad = list.filter((token) => !(REFERRER_POLICIES as readonly unknown[]).includes(token));
  if (list.length === 0 || bad.length > 0) {
    problems.add(path, `${show(bad[0] ?? raw)} is not a referrer policy.`, `use one of: ${REFERRER_POLICIES.join(', ')}.`);
    return undefined;
  }
  return list.join(',');
}
