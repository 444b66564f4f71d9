/**
 * Several enforced policies (a header with several policies, several header fields, a header and
 * a `<meta>`) all apply: a resource loads only if every policy allows it. So a directive that one
 * policy lacks is not a gap when another policy has it, and `'unsafe-inline'` or `'unsafe-eval'`
 * in one policy's script list does nothing when another policy's script list lacks it. This drops
 * those findings, and reports a real gap (no policy has the directive) once.
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
