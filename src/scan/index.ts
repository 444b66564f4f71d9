/**
 * `aegis/scan`: an outside-in audit of a live site (TLS, redirects, HSTS, headers, CSP, cookies,
 * CORS, content, exposures), graded, with the result as plain JSON.
 * @example
 * import { scan } from 'aegis/scan';
 * const result = await scan('https://example.com/');
 * console.log(result.grade?.overall.grade, result.findings.map((f) => f.id));
 * @example
 * // What `aegis scan --expect` does: compare with the headers a policy would send.
 * import { scanAll, expectedHeaders, policyDrift, formatScanText } from 'aegis/scan';
 * const report = await scanAll([url], { drift: (served, page) => policyDrift(served, expectedHeaders(policy, { https: page.protocol === 'https:', path: page.pathname })) });
 * process.stdout.write(formatScanText(report, { color: false }));
 */

export { scan, scanAll, scanTargetUrl } from './run/scan.js';
export type { ScanAllOptions, ScanOptions, ScanProgress } from './run/options.js';
export { SCAN_SCHEMA_VERSION } from './result.js';
export type { DriftEntry, ReportedCertificate, ReportedFinding, ReportedGrade, ReportedGroups, ReportedPage, ReportedTls, ReportedVersion, ScanReport, ScanResult } from './result.js';
export type { ScanFinding, ScanSeverity } from './finding.js';
export { GRADES, SCAN_CATEGORIES, gradeScan } from './grade/index.js';
export type { Grade, ScanCategory } from './grade/index.js';
export { formatScanHtml, formatScanJson, formatScanSarif, formatScanText } from './report/index.js';
export type { ScanTextOptions } from './report/index.js';
export { expectedHeaders, policyDrift } from './drift/index.js';
