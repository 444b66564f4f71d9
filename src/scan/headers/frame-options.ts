import { frameOptionsFor } from '../../headers/plan.js';
import { finding, type ScanFinding } from '../finding.js';
import { HEADER_FINDINGS } from './findings.js';
import { shown, listMembers, valuesOf, type ReceivedHeader } from './header-list.js';

const NAME = 'X-Frame-Options';
const FIX = "send CSP frame-ancestors (headers.contentSecurityPolicy.directives.frameAncestors, 'none' by default) and X-Frame-Options DENY or SAMEORIGIN (headers.xFrameOptions follows frame-ancestors by default).";

/** What the page's CSP says about framing. */
export interface FrameAncestorsSeen {
  /** The enforced CSP has `frame-ancestors`. */
  readonly present: boolean;
  /** Its sources, when known (e.g. `["'none'"]`), to compare with X-Frame-Options. */
  readonly sources?: readonly string[];
}

/**
 * X-Frame-Options as the HTML standard reads it: the combined values are split on commas and
 * lower-cased into a set; two or more members that include `deny`, `sameorigin` or `allowall` block
 * every frame; one `deny` or `sameorigin` works; anything else (ALLOW-FROM included) is ignored.
 * A CSP with frame-ancestors makes browsers ignore X-Frame-Options altogether.
 * @see https://html.spec.whatwg.org/multipage/document-lifecycle.html#the-x-frame-options-header
 */
export function checkFrameOptions(headers: readonly ReceivedHeader[], ancestors: FrameAncestorsSeen): ScanFinding[] {
  const values = valuesOf(headers, NAME);
  if (values.length === 0) {
    return ancestors.present ? [] : [finding(HEADER_FINDINGS.frameOptionsMissing, `no ${NAME}, no frame-ancestors`, FIX)];
  }
  const evidence = shown(NAME, values);
  const set = new Set(listMembers(values).map((member) => member.toLowerCase()));
  const [only] = set;
  const valid = set.size === 1 && (only === 'deny' || only === 'sameorigin');
  if (!valid) {
    if (ancestors.present) return [finding(HEADER_FINDINGS.frameOptionsIgnored, evidence, `browsers with CSP use frame-ancestors; send DENY or SAMEORIGIN to match it for older ones, or drop ${NAME} (headers.xFrameOptions).`)];
    if (set.size > 1 && ['deny', 'sameorigin', 'allowall'].some((token) => set.has(token))) {
      return [finding(HEADER_FINDINGS.frameOptionsSeveral, evidence, `send ${NAME} once, with one value; look for a proxy or framework that adds a second. ${FIX}`)];
    }
    if (set.size === 1 && only?.startsWith('allow-from')) {
      return [finding(HEADER_FINDINGS.frameOptionsAllowFrom, evidence, "list the allowed sites in CSP frame-ancestors instead (headers.contentSecurityPolicy.directives.frameAncestors: ['https://partner.example']).")];
    }
    return [finding(HEADER_FINDINGS.frameOptionsInvalid, evidence, FIX)];
  }
  const expected = ancestors.sources ? frameOptionsFor(ancestors.sources) : only?.toUpperCase();
  if (expected !== only?.toUpperCase()) {
    return [
      finding(
        HEADER_FINDINGS.frameOptionsConflict,
        `${evidence} | frame-ancestors ${ancestors.sources?.join(' ') ?? ''}`,
        'make the two agree: leave headers.xFrameOptions unset so Aegis derives it from frame-ancestors (not sent when frame-ancestors lists other sites).',
      ),
    ];
  }
  return [];
}

