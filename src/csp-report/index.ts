/**
 * `aegis/csp-report`: parsing of CSP violation reports (both the `report-uri` and the Reporting API
 * formats), as used by the built-in endpoint.
 * @packageDocumentation
 */
export { parseCspReports } from './parse-reports.js';
export type { CspViolation } from './parse-reports.js';
export type { ReportingOptions } from './reporting-options.js';
