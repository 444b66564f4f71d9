/**
 * The two schemas scan reports are validated against, compiled once: the project's published
 * `docs/scan-result.schema.json` (draft 2020-12, ajv strict mode) and the official SARIF 2.1.0
 * schema (2.1.0-rtm.5, draft-04) as Microsoft's SARIF SDK ships it in @microsoft/jest-sarif.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { SCAN_RESULT_SCHEMA_PATH } from '../../src/scan/report/json.js';

// Both are CommonJS: under NodeNext the default import is the module, whose `default` is the export.
const Ajv04 = Ajv04Module.default;
const addFormats = addFormatsModule.default;
const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** docs/scan-result.schema.json, parsed. */
export const SCAN_RESULT_SCHEMA = JSON.parse(readFileSync(root + SCAN_RESULT_SCHEMA_PATH, 'utf8')) as Record<string, unknown> & { $defs: Record<string, { enum?: unknown[] }> };

/** The official SARIF 2.1.0 schema, parsed. */
export const SARIF_SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;

const scanAjv = new Ajv2020({ strict: true, allErrors: true });
addFormats(scanAjv);
const validateScan = scanAjv.compile(SCAN_RESULT_SCHEMA);

// Two relaxations, both needed by the SARIF schema itself:
// - strictRequired: false: its anyOf branches name required properties defined one level up;
// - unicodeRegExp: false: its `language` pattern has a stray `]`, invalid with the `u` flag.
const sarifAjv = new Ajv04({ strict: true, strictRequired: false, unicodeRegExp: false, allErrors: true });
addFormats(sarifAjv);
const validateSarif = sarifAjv.compile(SARIF_SCHEMA);

function errors(validate: ValidateFunction, data: unknown): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

/** Why `data` is not a valid scan report (docs/scan-result.schema.json); empty when it is. */
export const scanReportErrors = (data: unknown): string[] => errors(validateScan, data);

/** Why `data` is not a valid SARIF 2.1.0 log; empty when it is. */
export const sarifErrors = (data: unknown): string[] => errors(validateSarif, data);
