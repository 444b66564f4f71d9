/**
 * Policy drift, for `aegis scan --expect`: the headers an Aegis policy would send, and every
 * difference between them and what a live site serves, as pure functions with no network.
 * Not a package subpath yet.
 * @packageDocumentation
 */
export { expectedHeaders, EXPECTED_NONCE } from './expected-headers.js';
export type { ExpectedContext } from './expected-headers.js';
export { policyDrift } from './policy-drift.js';
export { DRIFT_HEADERS, CASE_INSENSITIVE_HEADERS } from './security-headers.js';
export { cspDifferences } from './compare-csp.js';
export { hstsDifferences } from './compare-hsts.js';
export { permissionsDifferences } from './compare-permissions.js';
export type { DriftEntry } from '../result.js';
