/**
 * Several enforced policies (a header with several policies, several header fields, a header and
 * a `<meta>`) all apply: a resource loads only if every policy allows it. So a directive that one
 * policy lacks is not a gap when another policy has it; `'unsafe-inline'` or `'unsafe-eval'` in one
 * policy's script list does nothing when another policy's script list lacks it; and a host, scheme
 * or wildcard source (`*`, `https:`, an `http://` host, a gadget host) does nothing when another
 * policy allows no host at all for that directive. This drops those findings, and reports a real gap
 * (no policy has the directive) once.
 * @see https://www.w3.org/TR/CSP3/#multiple-policies
 */

import { CSP_FINDINGS, type CspFinding } from './findings.js';
import type { CspDelivery, ParsedCspPolicy } from './parse.js';

/** A policy and how it was delivered (`frame-ancestors` counts in a header only). */
export interface DeliveredPolicy {
  readonly policy: ParsedCspPolicy;
  readonly delivery: CspDelivery;
}

type Covers = (directives: ReadonlyMap<string, readonly string[]>, delivery: CspDelivery) => boolean;

/** Each "missing" finding and what a policy needs to cover it. */
const GAPS: ReadonlyArray<readonly [id: string, covers: Covers]> = [
  [CSP_FINDINGS.missingScriptSrc.id, (d) => d.has('script-src') || d.has('default-src')],
  [CSP_FINDINGS.missingObjectSrc.id, (d) => d.has('object-src') || d.has('default-src')],
  [CSP_FINDINGS.missingBaseUri.id, (d) => d.has('base-uri')],
  [CSP_FINDINGS.missingFrameAncestors.id, (d, delivery) => delivery === 'header' && d.has('frame-ancestors')],
  [CSP_FINDINGS.noTrustedTypes.id, (d) => (d.get('require-trusted-types-for') ?? []).some((v) => v.toLowerCase() === "'script'")],
];

/** Script keywords that one policy cannot grant alone, and their findings. */
const SCRIPT_KEYWORDS: ReadonlyArray<readonly [id: string, keyword: string]> = [
  [CSP_FINDINGS.unsafeInline.id, "'unsafe-inline'"],
  [CSP_FINDINGS.unsafeEval.id, "'unsafe-eval'"],
];

/** Whether a policy restricts scripts without allowing `keyword`. */
function withholds(directives: ReadonlyMap<string, readonly string[]>, keyword: string): boolean {
  const list = directives.get('script-src') ?? directives.get('default-src');
  return list !== undefined && !list.some((value) => value.toLowerCase() === keyword);
}

/** Findings about a host, scheme or wildcard source; their evidence starts with the directive. */
const SOURCE_FINDINGS: ReadonlySet<string> = new Set([
  CSP_FINDINGS.wildcardSource.id,
  CSP_FINDINGS.schemeSource.id,
  CSP_FINDINGS.cleartextSource.id,
  CSP_FINDINGS.bypassHost.id,
  CSP_FINDINGS.hostAllowlist.id,
]);

/** A source that names no location: keywords, nonces, hashes (`'self'`, `'none'`, `'nonce-…'`…). */
const KEYWORD_SOURCE = /^'.*'$/;

/** Whether the list a policy applies to `directive` (itself, else default-src) allows no host, scheme or wildcard. */
function allowsNoHost(directives: ReadonlyMap<string, readonly string[]>, directive: string): boolean {
  const list = directives.get(directive) ?? directives.get('default-src');
  return list !== undefined && list.every((value) => KEYWORD_SOURCE.test(value));
}

/**
 * Whether a policy makes the source finding moot: it allows no host where the source is listed
 * (default-src stands for scripts and plugins too). The policy that lists the source never does.
 */
function sourceWithheld(evidence: string, others: readonly DeliveredPolicy[]): boolean {
  const directive = evidence.split(' ')[0] ?? '';
  const directives = directive === 'default-src' ? ['default-src', 'script-src', 'object-src'] : [directive];
  return others.some(({ policy }) => directives.every((name) => allowsNoHost(policy.directives, name)));
}

/**
 * `findings` (of the policies in `policies`) without the gaps another policy covers, each
 * remaining gap once and without a policy index, and without the `'unsafe-inline'`/`'unsafe-eval'`
 * findings another policy withholds.
 * @example withoutCoveredGaps(findings, [{ policy: a, delivery: 'header' }, { policy: b, delivery: 'meta' }])
 */
export function withoutCoveredGaps(findings: readonly CspFinding[], policies: readonly DeliveredPolicy[]): CspFinding[] {
  const seen = new Set<string>();
  const out: CspFinding[] = [];
  for (const finding of findings) {
    const keyword = SCRIPT_KEYWORDS.find(([id]) => id === finding.id)?.[1];
    if (keyword !== undefined && policies.some(({ policy }) => withholds(policy.directives, keyword))) continue;
    if (SOURCE_FINDINGS.has(finding.id) && sourceWithheld(finding.evidence, policies)) continue;
    const gap = GAPS.find(([id]) => id === finding.id);
    if (gap === undefined) {
      out.push(finding);
      continue;
    }
    if (seen.has(finding.id) || policies.some(({ policy, delivery }) => gap[1](policy.directives, delivery))) continue;
    seen.add(finding.id);
    const { policy: _index, ...once } = finding;
    out.push(once);
  }
  return out;
}
