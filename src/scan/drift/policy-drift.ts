import type { ReceivedHeader } from '../headers/header-list.js';
import { listMembers } from '../headers/header-list.js';
import type { DriftEntry } from '../result.js';
import { cspDifferences } from './compare-csp.js';
import { hstsDifferences } from './compare-hsts.js';
import { permissionsDifferences } from './compare-permissions.js';
import { CASE_INSENSITIVE_HEADERS, DRIFT_HEADERS, IGNORED_HEADERS } from './security-headers.js';

/** How one header's expected value and served values are compared: the differences, or none. */
type Comparator = (expected: string, served: readonly string[]) => string[];

/** A plain comparison of the combined values, after `fold` (trimmed by the caller). */
const plainly =
  (fold: (value: string) => string): Comparator =>
  (expected, served) => {
    const want = fold(expected);
    const got = fold(served.join(', '));
    return want === got ? [] : [`expected ${expected}, served ${served.join(', ')}`];
  };

const exact = plainly((value) => value);
const folded = plainly((value) => value.toLowerCase());

const COMPARATORS: Readonly<Record<string, Comparator>> = {
  'content-security-policy': cspDifferences,
  'content-security-policy-report-only': cspDifferences,
  'strict-transport-security': hstsDifferences,
  'permissions-policy': permissionsDifferences,
  // A list of tokens: `no-referrer,strict-origin` equals `no-referrer, strict-origin` (order kept: the last known token wins).
  'referrer-policy': plainly((value) => listMembers([value.toLowerCase()]).join(', ')),
};

function comparatorFor(name: string): Comparator {
  return COMPARATORS[name] ?? (CASE_INSENSITIVE_HEADERS.has(name) ? folded : exact);
}

/** Lower-case name → trimmed values in order, for the headers that take part (never Set-Cookie). */
function byName(headers: readonly (readonly [string, string])[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (IGNORED_HEADERS.has(key)) continue;
    const values = result.get(key);
    if (values) values.push(value.trim());
    else result.set(key, [value.trim()]);
  }
  return result;
}

/**
 * Every difference ("policy drift") between the headers a site served and the headers its Aegis
 * policy would send (`expectedHeaders`): one {@link DriftEntry} per header, sorted by name.
 *
 * Compared: every header the policy sends, plus the security set ({@link DRIFT_HEADERS}), so a
 * security header the site serves but the policy does not send is `unexpected`; other served
 * headers are ignored, and `Set-Cookie` always is. Names are case-insensitive; repeated fields are
 * joined with `, ` as a browser combines them. Values are compared by meaning, not by spelling:
 * - CSP (and `-Report-Only`): directive by directive, sources in any order, any nonce equal to any
 *   other; `detail` names each directive that differs;
 * - Strict-Transport-Security: max-age, includeSubDomains and preload, in any order and case;
 * - Permissions-Policy: feature by feature, allowlists in any order;
 * - X-Frame-Options, X-Content-Type-Options, Referrer-Policy (a list), COOP, COEP and CORP:
 *   trimmed and case-folded; every other header: trimmed.
 *
 * Pure: no network, no policy; the same inputs give the same entries.
 * @param served the response headers as received (any case, repeats kept)
 * @param expected the policy's headers, as `expectedHeaders` returns them
 * @example
 * policyDrift([['x-frame-options', 'sameorigin']], [['X-Frame-Options', 'DENY']]);
 * // [{ header: 'x-frame-options', kind: 'different', expected: 'DENY', served: 'sameorigin',
 * //    detail: 'expected DENY, served sameorigin' }]
 */
export function policyDrift(served: readonly ReceivedHeader[], expected: readonly (readonly [string, string])[]): DriftEntry[] {
  const want = byName(expected);
  const got = byName(served);
  const names = new Set([...want.keys(), ...DRIFT_HEADERS]);
  const entries: DriftEntry[] = [];
  for (const header of [...names].sort()) {
    const wanted = want.get(header);
    const seen = got.get(header);
    if (wanted && !seen) {
      entries.push({ header, kind: 'missing', expected: wanted.join(', '), detail: 'served lacks the header' });
    } else if (!wanted && seen) {
      entries.push({ header, kind: 'unexpected', served: seen.join(', '), detail: 'the policy does not send the header' });
    } else if (wanted && seen) {
      const differences = comparatorFor(header)(wanted.join(', '), seen);
      if (differences.length > 0) entries.push({ header, kind: 'different', expected: wanted.join(', '), served: seen.join(', '), detail: differences.join('; ') });
    }
  }
  return entries;
}
