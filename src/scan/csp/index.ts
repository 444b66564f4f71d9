/**
 * The CSP part of `aegis scan`: parse a served policy (header or `<meta>`) and evaluate it, as
 * pure functions with no network. Not a package subpath yet.
 * @packageDocumentation
 */
export { parseCsp, parseSerializedCsp } from './parse.js';
export type { CspDelivery, ParsedCspPolicy } from './parse.js';
export { evaluateCsp } from './evaluate.js';
export type { CspContext } from './evaluate.js';
export { CSP_FINDINGS, CSP_FINDING_TABLE } from './findings.js';
export type { CspFinding, CspFindingKind, ScanSeverity } from './findings.js';
export { BYPASS_HOSTS, matchBypassHosts } from './bypass-hosts.js';
export type { BypassHost } from './bypass-hosts.js';
