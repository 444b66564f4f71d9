import { REFERRER_POLICIES } from '../../headers/fixed-headers.js';
import { finding, type ScanFinding } from '../finding.js';
import { HEADER_FINDINGS } from './findings.js';
import { listMembers, shown, valuesOf, type ReceivedHeader } from './header-list.js';

const NAME = 'Referrer-Policy';
const FIX = "send Referrer-Policy: strict-origin-when-cross-origin, no-referrer or same-origin (headers.referrerPolicy; the Aegis default is 'strict-origin-when-cross-origin').";

/**
 * Policies that send the path and query to other origins: `unsafe-url` (even from HTTPS to HTTP)
 * and `no-referrer-when-downgrade` (to every HTTPS site). URLs often carry ids, search terms or
 * tokens, so these are unsafe.
 */
const FULL_URL = new Set(['unsafe-url', 'no-referrer-when-downgrade']);
/** Policies that send the origin from an HTTPS page to an HTTP one (cleartext): less, but still a leak. */
const CLEARTEXT_ORIGIN = new Set(['origin', 'origin-when-cross-origin']);
const KNOWN = new Set<string>(REFERRER_POLICIES);

/**
 * Referrer-Policy as browsers read it: the combined values are split on commas and the last token
 * that is a known policy wins; unknown tokens are skipped (they let a site list a fallback before
 * a newer policy). Safe outcomes: no-referrer, same-origin, strict-origin,
 * strict-origin-when-cross-origin (also the default without a header).
 * @see https://www.w3.org/TR/referrer-policy/#parse-referrer-policy-from-header
 */
export function checkReferrerPolicy(headers: readonly ReceivedHeader[]): ScanFinding[] {
  const values = valuesOf(headers, NAME);
  if (values.length === 0) {
    return [finding(HEADER_FINDINGS.referrerMissing, `no ${NAME}`, `browsers default to strict-origin-when-cross-origin; say so explicitly for older ones. ${FIX}`)];
  }
  const evidence = shown(NAME, values);
  const tokens = listMembers(values).map((token) => token.toLowerCase());
  const unknown = tokens.filter((token) => !KNOWN.has(token));
  const effective = tokens.filter((token) => KNOWN.has(token)).at(-1);
  if (effective === undefined) return [finding(HEADER_FINDINGS.referrerInvalid, evidence, FIX)];
  const findings = unknown.map((token) => finding(HEADER_FINDINGS.referrerUnknownToken, `${NAME} token ${token}`, `remove it, or check the spelling (${REFERRER_POLICIES.join(', ')}).`));
  if (FULL_URL.has(effective)) findings.push(finding(HEADER_FINDINGS.referrerFullUrl, `${evidence} (effective: ${effective})`, FIX));
  else if (CLEARTEXT_ORIGIN.has(effective)) findings.push(finding(HEADER_FINDINGS.referrerCleartextOrigin, `${evidence} (effective: ${effective})`, FIX));
  return findings;
}
