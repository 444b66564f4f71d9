import { describe, expect, it } from 'vitest';
import type { ScanReport, ScanResult } from '../../src/scan/result.js';
import { AEGIS_DOCS_URL } from '../../src/scan/report/json.js';
import { SARIF_SCHEMA_URI, formatScanSarif } from '../../src/scan/report/sarif.js';
import { sarifErrors } from '../helpers/report-schemas.js';
import { FIXTURE_REPORTS, HTTP_ONLY_RESULT, MULTI_TARGET_REPORT, SCANNED_REPORT, SCANNED_RESULT, UNREACHABLE_REPORT } from '../helpers/scan-reports.js';

const errorsOf = sarifErrors;

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: Array<{ name: string }> }>;
  partialFingerprints: Record<string, string>;
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity'?: string };
}
interface SarifNotification {
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
  descriptor: { id: string; index: number };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: SarifRule[]; notifications: Array<{ id: string }> } };
    invocations: Array<{ executionSuccessful: boolean; startTimeUtc?: string; endTimeUtc?: string; toolExecutionNotifications: SarifNotification[] }>;
    results: SarifResult[];
  }>;
}

function sarif(report: ScanReport): SarifLog {
  return JSON.parse(formatScanSarif(report)) as SarifLog;
}

function run(report: ScanReport) {
  const only = sarif(report).runs[0];
  if (only === undefined) throw new Error('no run');
  return only;
}

function report(...results: ScanResult[]): ScanReport {
  return { schemaVersion: '1.0', tool: { name: 'aegis', version: '0.1.0' }, results };
}

describe('formatScanSarif: validity', () => {
  it.each(Object.entries(FIXTURE_REPORTS))('the %s fixture validates against the SARIF 2.1.0 schema', (_name, fixture) => {
    expect(errorsOf(JSON.parse(formatScanSarif(fixture)))).toEqual([]);
  });

  it('a report without results is a valid, successful, empty run', () => {
    const log = sarif(report());
    expect(errorsOf(log)).toEqual([]);
    expect(log.runs[0]?.results).toEqual([]);
    expect(log.runs[0]?.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  it('the schema rejects a wrong level, a missing message and an unknown property (so the checks above can fail)', () => {
    const log = sarif(SCANNED_REPORT);
    const result = log.runs[0]?.results[0] as unknown as Record<string, unknown>;
    result.level = 'critical';
    expect(errorsOf(log)).toContain('/runs/0/results/0/level must be equal to one of the allowed values');
    delete result.level;
    delete result.message;
    expect(errorsOf(log)).toContain("/runs/0/results/0 must have required property 'message'");
    const other = sarif(SCANNED_REPORT) as unknown as Record<string, unknown>;
    other.grade = 'B';
    expect(errorsOf(other)).toEqual([' must NOT have additional properties']);
  });

  it('prints pretty JSON with a trailing newline, the same bytes for the same report', () => {
    const text = formatScanSarif(MULTI_TARGET_REPORT);
    expect(text.startsWith(`{\n  "$schema": "${SARIF_SCHEMA_URI}",\n  "version": "2.1.0",\n  "runs": [\n`)).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(formatScanSarif(MULTI_TARGET_REPORT)).toBe(text);
  });
});

describe('formatScanSarif: rules', () => {
  it('names the tool and lists one rule per distinct finding id, sorted', () => {
    const driver = run(MULTI_TARGET_REPORT).tool.driver;
    expect([driver.name, driver.version, driver.informationUri]).toEqual(['aegis', '0.1.0', `${AEGIS_DOCS_URL}scan-grading.md`]);
    const ids = [...new Set([...SCANNED_RESULT.findings, ...HTTP_ONLY_RESULT.findings].map((f) => f.id))].sort();
    expect(driver.rules.map((rule) => rule.id)).toEqual(ids);
    expect(driver.notifications.map((descriptor) => descriptor.id)).toEqual(['AEGIS-SCAN-UNREACHABLE', 'AEGIS-SCAN-PROBE-FAILED']);
  });

  it('describes a rule with its title, help link, level, category tag and GitHub security severity', () => {
    const rules = run(SCANNED_REPORT).tool.driver.rules;
    expect(rules.find((rule) => rule.id === 'AEGIS-SCAN-CSP-011')).toEqual({
      id: 'AEGIS-SCAN-CSP-011',
      name: 'UnsafeInlineAllowsInlineScripts',
      shortDescription: { text: "'unsafe-inline' allows inline scripts" },
      fullDescription: { text: "'unsafe-inline' allows inline scripts." },
      helpUri: `${AEGIS_DOCS_URL}scan-findings.md#aegis-scan-csp-011`,
      help: {
        text: `'unsafe-inline' allows inline scripts. See ${AEGIS_DOCS_URL}scan-findings.md#aegis-scan-csp-011`,
        markdown: `'unsafe-inline' allows inline scripts. See [AEGIS-SCAN-CSP-011](${AEGIS_DOCS_URL}scan-findings.md#aegis-scan-csp-011).`,
      },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'csp'], 'security-severity': '8.0' },
    });
  });

  it('maps severities: high error 8.0, medium warning 5.0, low note 3.0, info note without a security severity', () => {
    const rules = run(SCANNED_REPORT).tool.driver.rules;
    const summary = (id: string) => {
      const rule = rules.find((candidate) => candidate.id === id);
      return [rule?.defaultConfiguration.level, rule?.properties['security-severity']];
    };
    expect(summary('AEGIS-SCAN-CSP-011')).toEqual(['error', '8.0']);
    expect(summary('AEGIS-SCAN-TLS-003')).toEqual(['warning', '5.0']);
    expect(summary('AEGIS-SCAN-TLS-008')).toEqual(['note', '3.0']);
    expect(summary('AEGIS-SCAN-TLS-017')).toEqual(['note', undefined]);
    expect(rules.find((rule) => rule.id === 'AEGIS-SCAN-TLS-017')?.properties).toEqual({ tags: ['security', 'tls'] });
  });

  it('takes the docs base URL as an option', () => {
    const text = formatScanSarif(SCANNED_REPORT, { docsUrl: 'https://docs.internal.example/aegis/' });
    const log = JSON.parse(text) as SarifLog;
    expect(log.runs[0]?.tool.driver.rules[0]?.helpUri).toBe('https://docs.internal.example/aegis/scan-findings.md#aegis-scan-content-003');
    expect(errorsOf(log)).toEqual([]);
  });
});

describe('formatScanSarif: results', () => {
  it('one result per finding, in report order, pointing at its rule, the target URL and the category', () => {
    const { results, tool } = run(MULTI_TARGET_REPORT);
    expect(results.map((result) => result.ruleId)).toEqual([...SCANNED_RESULT.findings, ...HTTP_ONLY_RESULT.findings].map((f) => f.id));
    for (const result of results) expect(tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    const first = results[0];
    expect(first && { ...first, partialFingerprints: undefined }).toEqual({
      ruleId: 'AEGIS-SCAN-TLS-003',
      ruleIndex: tool.driver.rules.findIndex((rule) => rule.id === 'AEGIS-SCAN-TLS-003'),
      level: 'warning',
      message: { text: 'TLS 1.1 accepted.\nEvidence: TLSv1.1 handshake accepted\nFix: set the minimum version to TLSv1.2 in the server or proxy TLS settings' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'https://shop.example.com/' } }, logicalLocations: [{ name: 'tls' }] }],
      partialFingerprints: undefined,
    });
    expect(results.at(-1)?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('http://intranet.example.test/');
  });

  it('fingerprints a finding by id, target and evidence: stable between scans, distinct otherwise', () => {
    const fingerprints = (r: ScanReport) => run(r).results.map((result) => result.partialFingerprints);
    const first = fingerprints(SCANNED_REPORT)[0];
    expect(first?.['aegisFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
    expect(first?.primaryLocationLineHash).toBe(`${first?.['aegisFinding/v1']?.slice(0, 16)}:1`);
    // A later scan: other timing, other grade, findings in another order: same fingerprints.
    const later = report({ ...SCANNED_RESULT, startedAt: '2025-03-15T09:00:00.000Z', durationMs: 5000, findings: [...SCANNED_RESULT.findings].reverse() });
    expect(new Set(fingerprints(later).map((f) => f['aegisFinding/v1']))).toEqual(new Set(fingerprints(SCANNED_REPORT).map((f) => f['aegisFinding/v1'])));
    // Another target, or other evidence: another fingerprint.
    const elsewhere = report({ ...SCANNED_RESULT, target: 'https://www.example.com/' });
    expect(fingerprints(elsewhere)[0]?.['aegisFinding/v1']).not.toBe(first?.['aegisFinding/v1']);
    const changed = report({ ...SCANNED_RESULT, findings: [{ ...SCANNED_RESULT.findings[0], evidence: 'TLSv1.1 handshake accepted (again)' } as ScanResult['findings'][number]] });
    expect(fingerprints(changed)[0]?.['aegisFinding/v1']).not.toBe(first?.['aegisFinding/v1']);
    const all = fingerprints(MULTI_TARGET_REPORT).map((f) => f['aegisFinding/v1']);
    expect(new Set(all).size).toBe(all.length);
  });

  it('numbers identical findings on one target so their line hashes stay distinct', () => {
    const twice = report({ ...SCANNED_RESULT, findings: [SCANNED_RESULT.findings[0], SCANNED_RESULT.findings[0]] as ScanResult['findings'] });
    const [a, b] = run(twice).results.map((result) => result.partialFingerprints.primaryLocationLineHash);
    expect(a?.endsWith(':1')).toBe(true);
    expect(b).toBe(a?.replace(/:1$/, ':2'));
  });
});

describe('formatScanSarif: invocation', () => {
  it('reports probe errors as warnings and an unreachable target as an error, once', () => {
    const [invocation] = run(MULTI_TARGET_REPORT).invocations;
    expect(invocation?.executionSuccessful).toBe(false);
    expect([invocation?.startTimeUtc, invocation?.endTimeUtc]).toEqual(['2025-03-14T09:26:53.000Z', '2025-03-14T09:27:03.438Z']);
    expect(invocation?.toolExecutionNotifications.map((n) => [n.level, n.descriptor.id, n.locations[0]?.physicalLocation.artifactLocation.uri, n.message.text])).toEqual([
      ['warning', 'AEGIS-SCAN-PROBE-FAILED', 'https://shop.example.com/', 'https://shop.example.com/: GET /server-status: timed out after 10000 ms'],
      ['warning', 'AEGIS-SCAN-PROBE-FAILED', 'http://intranet.example.test/', 'http://intranet.example.test/: CORS preflight: socket hang up'],
      ['warning', 'AEGIS-SCAN-PROBE-FAILED', 'http://intranet.example.test/', 'http://intranet.example.test/: GET /.well-known/security.txt: timed out after 10000 ms'],
      ['error', 'AEGIS-SCAN-UNREACHABLE', 'https://gone.example.org/', 'https://gone.example.org/ is unreachable: getaddrinfo ENOTFOUND gone.example.org'],
    ]);
  });

  it('is successful when every target was scanned, even with probe errors', () => {
    expect(run(SCANNED_REPORT).invocations[0]?.executionSuccessful).toBe(true);
    expect(run(UNREACHABLE_REPORT).invocations[0]?.executionSuccessful).toBe(false);
    expect(run(UNREACHABLE_REPORT).results).toEqual([]);
  });
});
