/**
 * The output formats of `aegis scan`: pure functions from a `ScanReport` to text for a terminal,
 * JSON (with its published schema), SARIF 2.1.0 and HTML.
 * @packageDocumentation
 */
export { SCAN_TEXT_WIDTH, formatScanText } from './text.js';
export type { ScanTextOptions } from './text.js';
export { AEGIS_DOCS_URL, SCAN_RESULT_SCHEMA_ID, SCAN_RESULT_SCHEMA_PATH, formatScanJson } from './json.js';
export { SARIF_LEVELS, SARIF_NOTIFICATIONS, SARIF_SCHEMA_URI, SARIF_SECURITY_SEVERITY, formatScanSarif } from './sarif.js';
export type { SarifLevel, ScanSarifOptions } from './sarif.js';
export { formatScanHtml } from './html.js';
