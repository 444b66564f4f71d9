/**
 * The transport part of `aegis scan`: the Strict-Transport-Security header and the redirect chain
 * from the `http://` entry point, as pure functions with no network. Not a package subpath yet.
 * @packageDocumentation
 */
export { parseHsts } from './hsts.js';
export type { HstsProblem, ParsedHsts } from './hsts.js';
export { evaluateHsts, evaluateParsedHsts, headerPreloadBlockers } from './evaluate-hsts.js';
export type { HstsContext } from './evaluate-hsts.js';
export { evaluateRedirectChain, preloadEligibility, MAX_REDIRECTS } from './redirect-chain.js';
export type { PreloadEligibility, RedirectAnswer, RedirectFailure, RedirectHop } from './redirect-chain.js';
export { TRANSPORT_FINDINGS, TRANSPORT_FINDING_TABLE, ONE_YEAR_SECONDS } from './findings.js';
export type { ScanFinding, ScanSeverity } from './findings.js';
