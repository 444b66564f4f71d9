/**
 * `aegis scan --format sarif`: the report as a SARIF 2.1.0 log, for GitHub code scanning and other
 * SARIF viewers. One run; one rule per finding id present; one result per finding, located at the
 * scanned URL; unreachable targets and failed probes as tool execution notifications. Pure: a
 * `ScanReport` in, a string out (the fingerprints are SHA-256 hashes, so the same scan gives the
 * same bytes).
 *
 * Levels and GitHub security severities:
 *
 * | Aegis severity | `level`   | `security-severity` |
 * |----------------|-----------|---------------------|
 * | high           | `error`   | `"8.0"` (high)      |
 * | medium         | `warning` | `"5.0"` (medium)    |
 * | low            | `note`    | `"3.0"` (low)       |
 * | info           | `note`    | none                |
 *
 * `info` is `note`, not `none`: GitHub accepts only `note`, `warning` and `error` for a rule's
 * `defaultConfiguration.level`, and an info finding is still worth reading. It carries no
 * `security-severity`, so GitHub does not count it as a security alert (GitHub reads 0.0 as "no
 * security severity" too). GitHub expects `security-severity` as a string holding the number.
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * @see https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */

import { createHash } from 'node:crypto';
import type { ScanSeverity } from '../finding.js';
import type { ReportedFinding, ScanReport, ScanResult } from '../result.js';
import { AEGIS_DOCS_URL } from './json.js';

/** The `$schema` the log names (the SARIF 2.1.0 schema as GitHub's documentation cites it). */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A SARIF `level` a finding can have. */
export type SarifLevel = 'error' | 'warning' | 'note';

/** The SARIF `level` of each severity (see the table above). */
export const SARIF_LEVELS: Readonly<Record<ScanSeverity, SarifLevel>> = { high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** GitHub's `security-severity` (0.1–10.0, as a string) of each severity; info has none. */
export const SARIF_SECURITY_SEVERITY: Readonly<Record<ScanSeverity, string | undefined>> = { high: '8.0', medium: '5.0', low: '3.0', info: undefined };

/** The notification descriptors of the run: a target that could not be fetched, a probe without an answer. */
export const SARIF_NOTIFICATIONS = [
  { id: 'AEGIS-SCAN-UNREACHABLE', shortDescription: { text: 'the target could not be fetched, so it was not scanned' } },
  { id: 'AEGIS-SCAN-PROBE-FAILED', shortDescription: { text: 'a probe got no usable answer, so part of the target was not checked' } },
] as const;

/** Options of {@link formatScanSarif}. */
export interface ScanSarifOptions {
  /**
   * Base URL of the Aegis docs, ending with `/`: rule `helpUri`s are
   * `<docsUrl>scan-findings.md#<id in lower case>`. Default {@link AEGIS_DOCS_URL}.
   */
  readonly docsUrl?: string;
}

/**
 * The report as a SARIF 2.1.0 log (pretty JSON, trailing newline).
 *
 * - `runs[0].tool.driver`: `aegis`, its version, `informationUri`, and one rule per distinct
 *   finding id present (sorted by id) with its title, `helpUri`, default level and
 *   `properties.tags` `['security', <category>]` plus `security-severity`.
 * - `results`: one per finding, in report order: `ruleId`, `ruleIndex`, `level`, `message.text`
 *   (title, evidence, fix on three lines), the target URL as the artifact location and the
 *   category as a logical location, and `partialFingerprints` derived from id + target + evidence,
 *   so the same finding on the same site is the same alert from one scan to the next
 *   (`primaryLocationLineHash`, which GitHub reads, and `aegisFinding/v1`, the full hash).
 * - `invocations[0]`: `executionSuccessful` is false when a target was unreachable; each
 *   unreachable target is an `error` notification and each failed probe a `warning` one.
 * @example writeFileSync('aegis.sarif', formatScanSarif(report));
 */
export function formatScanSarif(report: ScanReport, options: ScanSarifOptions = {}): string {
  const docsUrl = options.docsUrl ?? AEGIS_DOCS_URL;
  const firstOfId = new Map<string, ReportedFinding>();
  for (const result of report.results) for (const f of result.findings) if (!firstOfId.has(f.id)) firstOfId.set(f.id, f);
  const firsts = [...firstOfId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(firsts.map((f, index) => [f.id, index]));
  const rules = firsts.map((f) => rule(f, docsUrl));

  const occurrences = new Map<string, number>();
  const results = report.results.flatMap((scanned) =>
    scanned.findings.map((f) => {
      const hash = fingerprint(f, scanned.target);
      const occurrence = (occurrences.get(hash) ?? 0) + 1;
      occurrences.set(hash, occurrence);
      return {
        ruleId: f.id,
        ruleIndex: ruleIndex.get(f.id) ?? -1,
        level: SARIF_LEVELS[f.severity],
        message: { text: `${sentence(f.title)}\nEvidence: ${f.evidence}\nFix: ${f.fix}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: scanned.target } }, logicalLocations: [{ name: f.category }] }],
        partialFingerprints: { primaryLocationLineHash: `${hash.slice(0, 16)}:${occurrence}`, 'aegisFinding/v1': hash },
      };
    }),
  );

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'aegis',
            version: report.tool.version,
            informationUri: `${docsUrl}scan-grading.md`,
            rules,
            notifications: SARIF_NOTIFICATIONS,
          },
        },
        invocations: [invocation(report.results)],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function rule(f: ReportedFinding, docsUrl: string) {
  const helpUri = `${docsUrl}scan-findings.md#${f.id.toLowerCase()}`;
  const securitySeverity = SARIF_SECURITY_SEVERITY[f.severity];
  return {
    id: f.id,
    name: ruleName(f.title),
    shortDescription: { text: f.title },
    fullDescription: { text: sentence(f.title) },
    helpUri,
    help: { text: `${sentence(f.title)} See ${helpUri}`, markdown: `${sentence(f.title)} See [${f.id}](${helpUri}).` },
    defaultConfiguration: { level: SARIF_LEVELS[f.severity] },
    properties: { tags: ['security', f.category], ...(securitySeverity === undefined ? {} : { 'security-severity': securitySeverity }) },
  };
}

function invocation(results: readonly ScanResult[]) {
  const notifications = results.flatMap((result) => {
    const location = [{ physicalLocation: { artifactLocation: { uri: result.target } } }];
    const unreachable =
      result.outcome === 'unreachable'
        ? [{ level: 'error', message: { text: `${result.target} is unreachable: ${result.error ?? 'no answer'}` }, locations: location, descriptor: { id: SARIF_NOTIFICATIONS[0].id, index: 0 } }]
        : [];
    const probes = result.errors
      .filter((error) => result.outcome !== 'unreachable' || error !== result.error)
      .map((error) => ({ level: 'warning', message: { text: `${result.target}: ${error}` }, locations: location, descriptor: { id: SARIF_NOTIFICATIONS[1].id, index: 1 } }));
    return [...unreachable, ...probes];
  });
  const starts = results.map((result) => Date.parse(result.startedAt)).filter((time) => Number.isFinite(time));
  const ends = results.map((result) => Date.parse(result.startedAt) + result.durationMs).filter((time) => Number.isFinite(time));
  return {
    executionSuccessful: results.every((result) => result.outcome === 'scanned'),
    ...(starts.length === 0 ? {} : { startTimeUtc: new Date(Math.min(...starts)).toISOString(), endTimeUtc: new Date(Math.max(...ends)).toISOString() }),
    toolExecutionNotifications: notifications,
  };
}

/** SHA-256 (hex) of the finding's id, the target and the evidence: what makes it the same finding next time. */
function fingerprint(f: ReportedFinding, target: string): string {
  return createHash('sha256').update(`${f.id}\u0000${target}\u0000${f.evidence}`).digest('hex');
}

/** A rule name from its title, in PascalCase: `'unsafe-inline' allows inline scripts` → `UnsafeInlineAllowsInlineScripts`. */
function ruleName(title: string): string {
  const words = title.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('').slice(0, 255);
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
