/**
 * `aegis scan --format json`: the `ScanReport` as it is (it is plain JSON by design, see
 * `src/scan/result.ts`), described by the published JSON Schema `docs/scan-result.schema.json`
 * (draft 2020-12). Pure: a `ScanReport` in, a string out.
 */

import type { ScanReport } from '../result.js';

/**
 * Where the Aegis docs are published; the JSON Schema's `$id` and the SARIF rules' `helpUri`
 * point under it. The project has no public home yet: this is the one place to change when it
 * does (a test keeps the schema's `$id` equal to {@link SCAN_RESULT_SCHEMA_ID}).
 */
export const AEGIS_DOCS_URL = 'https://github.com/aegis/aegis/blob/main/docs/';

/** The schema file, relative to the package root (it ships in the npm package under `docs/`). */
export const SCAN_RESULT_SCHEMA_PATH = 'docs/scan-result.schema.json';

/** The schema's `$id`. */
export const SCAN_RESULT_SCHEMA_ID = `${AEGIS_DOCS_URL}scan-result.schema.json`;

/**
 * The report as pretty JSON: two-space indentation, a trailing newline, fields in the order the
 * scanner wrote them. Optional fields that are absent stay absent (never `null`). Validates against
 * {@link SCAN_RESULT_SCHEMA_PATH}.
 * @example
 * process.stdout.write(formatScanJson(await scanAll(['https://example.com/'])));
 * // {
 * //   "schemaVersion": "1.0",
 * //   "tool": { … },
 * //   "results": [ … ]
 * // }
 */
export function formatScanJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
