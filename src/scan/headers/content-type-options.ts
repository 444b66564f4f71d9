import { finding, type ScanFinding } from '../finding.js';
import { HEADER_FINDINGS } from './findings.js';
import { shown, valuesOf, type ReceivedHeader } from './header-list.js';

const NAME = 'X-Content-Type-Options';
const FIX = 'send exactly X-Content-Type-Options: nosniff, once (headers.xContentTypeOptions: true, the Aegis default).';

/**
 * X-Content-Type-Options: browsers take the first comma-separated member of the combined values
 * and compare it with `nosniff` case-insensitively; anything else switches nothing on.
 * @see https://fetch.spec.whatwg.org/#determine-nosniff
 */
export function checkContentTypeOptions(headers: readonly ReceivedHeader[]): ScanFinding[] {
  const values = valuesOf(headers, NAME);
  if (values.length === 0) return [finding(HEADER_FINDINGS.nosniffMissing, `no ${NAME}`, FIX)];
  const findings: ScanFinding[] = [];
  const evidence = shown(NAME, values);
  const first = values.join(',').split(',')[0]?.trim().toLowerCase();
  if (first !== 'nosniff') findings.push(finding(HEADER_FINDINGS.nosniffInvalid, evidence, FIX));
  else if (values.some((value) => value !== 'nosniff')) findings.push(finding(HEADER_FINDINGS.nosniffNonCanonical, evidence, FIX));
  if (values.length > 1) findings.push(finding(HEADER_FINDINGS.nosniffDuplicated, evidence, `${FIX} Look for a proxy or framework that adds it a second time.`));
  return findings;
}
