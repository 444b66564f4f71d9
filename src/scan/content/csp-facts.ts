import { parseCsp, type ParsedCspPolicy } from '../csp/index.js';

/** What the content check needs to know about the page's enforced Content-Security-Policy. */
export interface ContentCspFacts {
  /** Whether inline event-handler attributes (`onclick="…"`) would run. */
  readonly allowsInlineHandlers: boolean;
  /**
   * Whether a policy has `upgrade-insecure-requests`: the browser then fetches the page's `http:`
   * subresources over `https:`, so they are not mixed content. Default false.
   */
  readonly upgradesInsecureRequests?: boolean;
}

const NONCE_OR_HASH = /^'(?:nonce-|sha(?:256|384|512)-)/i;

/**
 * The content facts of the enforced policies a page is served with (pass header policies as
 * `parseCsp` returns them; report-only policies block nothing and must not be passed). No policy,
 * or policies without script-src-attr, script-src and default-src, allow everything.
 *
 * The simple rule, per policy (a handler runs only if every policy allows it): take the first of
 * `script-src-attr`, `script-src`, `default-src`; it allows inline handlers when it lists
 * `'unsafe-inline'` and no nonce, hash or `'strict-dynamic'` (any of which makes CSP2+ browsers
 * ignore `'unsafe-inline'`). `'unsafe-hashes'` with hashes lets through only handlers whose exact
 * text was hashed: those were vetted by the author, so that counts as blocking.
 * @see https://www.w3.org/TR/CSP3/#allow-all-inline
 * @example contentCspFacts(parseCsp("script-src 'self'")).allowsInlineHandlers // false
 */
export function contentCspFacts(policies: readonly ParsedCspPolicy[]): ContentCspFacts {
  return { allowsInlineHandlers: policies.every(policyAllowsInlineHandlers), upgradesInsecureRequests: policies.some((policy) => policy.directives.has('upgrade-insecure-requests')) };
}

/** `contentCspFacts` of a header value (or values joined with `,`); `undefined` gives the no-policy facts. */
export function contentCspFactsFromHeader(header: string | undefined): ContentCspFacts {
  return contentCspFacts(header === undefined ? [] : parseCsp(header));
}

function policyAllowsInlineHandlers(policy: ParsedCspPolicy): boolean {
  const list = policy.directives.get('script-src-attr') ?? policy.directives.get('script-src') ?? policy.directives.get('default-src');
  if (list === undefined) return true;
  const lower = list.map((v) => v.toLowerCase());
  if (!lower.includes("'unsafe-inline'")) return false;
  return !lower.some((v) => NONCE_OR_HASH.test(v) || v === "'strict-dynamic'");
}
