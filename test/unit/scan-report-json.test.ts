import { describe, expect, it } from 'vitest';
import type { FindingKind } from '../../src/scan/finding.js';
import { CONTENT_FINDING_TABLE } from '../../src/scan/content/findings.js';
import { COOKIE_FINDING_TABLE } from '../../src/scan/cookies/findings.js';
import { CORS_FINDING_TABLE } from '../../src/scan/cors/findings.js';
import { CSP_FINDING_TABLE } from '../../src/scan/csp/findings.js';
import { EXPOSURE_FINDING_TABLE } from '../../src/scan/exposures/findings.js';
import { HEADER_FINDING_TABLE } from '../../src/scan/headers/findings.js';
import { TLS_FINDING_TABLE } from '../../src/scan/tls/findings.js';
import { TRANSPORT_FINDING_TABLE } from '../../src/scan/transport/findings.js';
import { GRADES, SCAN_CATEGORIES, categoryOf, gradeScan } from '../../src/scan/grade/index.js';
import { TLS_VERSIONS } from '../../src/scan/tls/versions.js';
import { SCAN_SCHEMA_VERSION } from '../../src/scan/result.js';
import { SCAN_RESULT_SCHEMA_ID, formatScanJson } from '../../src/scan/report/json.js';
import { SCAN_RESULT_SCHEMA, scanReportErrors } from '../helpers/report-schemas.js';
import { FIXTURE_REPORTS, HTTP_ONLY_RESULT, MULTI_TARGET_REPORT, SCANNED_REPORT, SCANNED_RESULT, UNREACHABLE_REPORT, UNREACHABLE_RESULT } from '../helpers/scan-reports.js';

const schema = SCAN_RESULT_SCHEMA;

const REMOVE = Symbol('remove');

/** A deep copy of `report` (as plain JSON) with the value at `path` replaced, or removed. */
function edit(report: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(report)) as unknown;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === REMOVE) Reflect.deleteProperty(node, last);
  else node[last] = value;
  return copy;
}

const errorsOf = scanReportErrors;

describe('docs/scan-result.schema.json', () => {
  it('compiles in ajv strict mode as draft 2020-12, with the $id the code exports', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(SCAN_RESULT_SCHEMA_ID);
    expect(schema.properties).toMatchObject({ schemaVersion: { const: SCAN_SCHEMA_VERSION } });
  });

  it('lists the same severities, categories, grades and TLS versions as the code', () => {
    expect(schema.$defs.severity?.enum).toEqual(['high', 'medium', 'low', 'info']);
    expect(schema.$defs.category?.enum).toEqual([...SCAN_CATEGORIES]);
    expect(schema.$defs.grade?.enum).toEqual([...GRADES]);
    const tls = schema.$defs.reportedTls as unknown as { properties: { versions: { required: string[] } } };
    expect(tls.properties.versions.required).toEqual(Object.keys(TLS_VERSIONS));
  });

  it.each(Object.entries(FIXTURE_REPORTS))('accepts the %s fixture', (_name, report) => {
    expect(errorsOf(report)).toEqual([]);
  });

  it('accepts what formatScanJson prints, parsed back', () => {
    expect(errorsOf(JSON.parse(formatScanJson(MULTI_TARGET_REPORT)))).toEqual([]);
  });

  it('accepts a report with no results and a scanned result with empty drift and a certificate error', () => {
    expect(errorsOf({ schemaVersion: '1.0', tool: { name: 'aegis', version: '0.1.0' }, results: [] })).toEqual([]);
    const report = edit(edit(SCANNED_REPORT, ['results', 0, 'drift'], []), ['results', 0, 'tls', 'certificate'], { error: 'socket hang up' });
    expect(errorsOf(report)).toEqual([]);
  });

  it('rejects a result without a required field', () => {
    const report = edit(SCANNED_REPORT, ['results', 0, 'startedAt'], REMOVE);
    expect(errorsOf(report)).toEqual(["/results/0 must have required property 'startedAt'"]);
  });

  it('rejects a finding without its category', () => {
    const report = edit(SCANNED_REPORT, ['results', 0, 'findings', 0, 'category'], REMOVE);
    expect(errorsOf(report)).toEqual(["/results/0/findings/0 must have required property 'category'"]);
  });

  it('rejects an extra field, at the top, in a result and in a finding', () => {
    expect(errorsOf(edit(SCANNED_REPORT, ['generatedBy'], 'someone'))).toEqual([' must NOT have additional properties']);
    expect(errorsOf(edit(SCANNED_REPORT, ['results', 0, 'score'], 79))).toEqual(['/results/0 must NOT have additional properties']);
    const inFinding = edit(SCANNED_REPORT, ['results', 0, 'findings', 0, 'cwe'], 'CWE-326');
    expect(errorsOf(inFinding)).toEqual(['/results/0/findings/0 must NOT have additional properties']);
  });

  it('rejects values outside the enums and the const', () => {
    const severity = edit(SCANNED_REPORT, ['results', 0, 'findings', 0, 'severity'], 'critical');
    expect(errorsOf(severity)).toEqual(['/results/0/findings/0/severity must be equal to one of the allowed values']);
    expect(errorsOf(edit(SCANNED_REPORT, ['schemaVersion'], '2.0'))).toEqual(['/schemaVersion must be equal to constant']);
    const category = edit(SCANNED_REPORT, ['results', 0, 'categoriesScanned'], ['tls', 'dns']);
    expect(errorsOf(category)).toEqual(['/results/0/categoriesScanned/1 must be equal to one of the allowed values']);
  });

  it('accepts the TLS groups block with an error, and rejects one with another version, an extra field or no complete flag', () => {
    const groups = ['results', 0, 'tls', 'groups'];
    expect(errorsOf(edit(SCANNED_REPORT, groups, { version: 'TLSv1.2', accepted: [], complete: false, error: 'secp256r1: socket hang up' }))).toEqual([]);
    expect(errorsOf(edit(SCANNED_REPORT, groups, REMOVE))).toEqual([]);
    expect(errorsOf(edit(SCANNED_REPORT, [...groups, 'version'], 'TLSv1.1'))).toEqual(['/results/0/tls/groups/version must be equal to one of the allowed values']);
    expect(errorsOf(edit(SCANNED_REPORT, [...groups, 'codes'], [29]))).toEqual(['/results/0/tls/groups must NOT have additional properties']);
    expect(errorsOf(edit(SCANNED_REPORT, [...groups, 'complete'], REMOVE))).toEqual(["/results/0/tls/groups must have required property 'complete'"]);
  });

  it('ties the outcome to grade and error: scanned needs a grade, unreachable an error and no grade', () => {
    expect(errorsOf(edit(SCANNED_REPORT, ['results', 0, 'grade'], REMOVE))).toContain("/results/0 must have required property 'grade'");
    expect(errorsOf(edit(UNREACHABLE_REPORT, ['results', 0, 'grade'], SCANNED_RESULT.grade))).toContain('/results/0/grade boolean schema is false');
    expect(errorsOf(edit(UNREACHABLE_REPORT, ['results', 0, 'error'], REMOVE))).toContain("/results/0 must have required property 'error'");
    expect(errorsOf(edit(SCANNED_REPORT, ['results', 0, 'error'], 'timeout'))).toContain('/results/0/error boolean schema is false');
  });

  it('rejects a drift entry that contradicts its kind, and a malformed header pair', () => {
    const drift = edit(SCANNED_REPORT, ['results', 0, 'drift'], [{ header: 'server', kind: 'missing', expected: 'x', served: 'nginx', detail: 'd' }]);
    expect(errorsOf(drift)).toContain('/results/0/drift/0/served boolean schema is false');
    const page = edit(SCANNED_REPORT, ['results', 0, 'page', 'headers'], [['server', 'nginx', 'extra']]);
    expect(errorsOf(page)).toEqual(['/results/0/page/headers/0 must NOT have more than 2 items']);
  });

  it('rejects a target that is not a URL and a start time that is not ISO 8601', () => {
    const report = edit(edit(SCANNED_REPORT, ['results', 0, 'target'], 'shop.example.com'), ['results', 0, 'startedAt'], 'yesterday');
    expect(errorsOf(report)).toEqual(['/results/0/target must match format "uri"', '/results/0/startedAt must match format "date-time"']);
  });
});

describe('formatScanJson', () => {
  it('prints the report as it is: two-space indentation, trailing newline, round-trips', () => {
    const text = formatScanJson(SCANNED_REPORT);
    expect(text.startsWith('{\n  "schemaVersion": "1.0",\n  "tool": {\n    "name": "aegis",\n    "version": "0.1.0"\n  },\n  "results": [\n    {\n      "target": "https://shop.example.com/",\n')).toBe(true);
    expect(text.endsWith('\n  ]\n}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(SCANNED_REPORT);
  });

  it('leaves absent optional fields out (no null, no undefined)', () => {
    const text = formatScanJson({ schemaVersion: '1.0', tool: { name: 'aegis', version: '0.1.0' }, results: [UNREACHABLE_RESULT] });
    expect(text).not.toContain('null');
    expect(Object.keys(JSON.parse(text).results[0])).toEqual(['target', 'outcome', 'error', 'startedAt', 'durationMs', 'categoriesScanned', 'findings', 'redirects', 'errors']);
  });
});

describe('the shared fixtures are real-shaped', () => {
  const tables: readonly FindingKind[] = [
    ...TLS_FINDING_TABLE,
    ...TRANSPORT_FINDING_TABLE,
    ...HEADER_FINDING_TABLE,
    ...CSP_FINDING_TABLE,
    ...COOKIE_FINDING_TABLE,
    ...CORS_FINDING_TABLE,
    ...CONTENT_FINDING_TABLE,
    ...EXPOSURE_FINDING_TABLE,
  ];
  const results = [SCANNED_RESULT, HTTP_ONLY_RESULT, UNREACHABLE_RESULT];

  it('every finding has the id, severity and title of its finding table, and the category of its id', () => {
    for (const result of results) {
      for (const f of result.findings) {
        const kind = tables.find((row) => row.id === f.id);
        expect({ id: f.id, severity: f.severity, title: f.title, category: f.category }).toEqual({ id: kind?.id, severity: kind?.severity, title: kind?.title, category: categoryOf(f.id) });
      }
    }
  });

  it('every grade is what gradeScan computes from the findings', () => {
    for (const result of results) {
      if (result.grade === undefined) continue;
      expect(gradeScan(result.findings, { categoriesScanned: result.categoriesScanned })).toEqual(result.grade);
    }
  });

  it('findings are grouped by category in report order, worst first', () => {
    const rank = { high: 0, medium: 1, low: 2, info: 3 };
    for (const result of results) {
      const keys = result.findings.map((f) => SCAN_CATEGORIES.indexOf(f.category) * 10 + rank[f.severity]);
      expect(keys).toEqual([...keys].sort((a, b) => a - b));
    }
  });
});
