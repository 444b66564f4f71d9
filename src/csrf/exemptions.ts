import type { ResolvedCsrfExemption } from './options.js';

/**
 * The first exemption covering `method` (as sent, upper-case) on `path` (without the query string),
 * or undefined. Paths are compared ignoring case, a trailing slash and percent-encoding, so an
 * exemption cannot be dodged — nor widened — by writing `/HOOKS/` or `/%68ooks`.
 */
export function matchExemption(method: string, path: string, exemptions: readonly ResolvedCsrfExemption[]): ResolvedCsrfExemption | undefined {
  for (const exemption of exemptions) {
    if (exemption.matches(method, path)) return exemption;
  }
  return undefined;
}
