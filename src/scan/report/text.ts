/**
 * `aegis scan --format text`: the report for a terminal. Per target: a header line (target, grade,
 * score, duration), a TLS line (the versions and key exchange groups accepted) when TLS was
 * scanned, the category scores as a table, the caps that applied, the findings grouped by
 * category (worst first), the drift from the expected policy and the probes that failed. Lines fit
 * in 100 columns (long evidence wraps under itself). Pure: a `ScanReport` in, a string out.
 *
 * Everything a scanned site controls (header values, URLs, page content in the evidence) is shown
 * with its control characters escaped (`\x1b`, `\n`, bidi overrides…), so a hostile site cannot
 * write escape sequences to the terminal or break the layout.
 */

import { ANSI_COLOUR, NO_COLOUR, type Palette } from '../../checks/report.js';
import type { ScanSeverity } from '../finding.js';
import { SCAN_CATEGORIES } from '../grade/categories.js';
import type { Grade } from '../grade/letters.js';
import type { DriftEntry, ReportedFinding, ReportedGrade, ReportedTls, ScanReport, ScanResult } from '../result.js';
import { TLS_VERSIONS } from '../tls/versions.js';

/** How to print the text report. */
export interface ScanTextOptions {
  /**
   * ANSI colours. The CLI decides: on only when stdout is a terminal and `NO_COLOR` is not set
   * (`paletteFor` in `checks/report.ts`, the same rule as `aegis check`).
   */
  readonly color: boolean;
  /** Wrap long lines at this many columns. Default 100. */
  readonly width?: number;
}

/** Default line width of the text report. */
export const SCAN_TEXT_WIDTH = 100;

const SEVERITIES: readonly ScanSeverity[] = ['high', 'medium', 'low', 'info'];
const FINDING_INDENT = '    ';
const SEVERITY_WIDTH = 6; // MEDIUM
const DETAIL_INDENT = FINDING_INDENT + ' '.repeat(SEVERITY_WIDTH + 2);
const LABEL_WIDTH = 10; // 'evidence: '
const DRIFT_KIND_WIDTH = 10; // 'unexpected'

/**
 * The scan report as terminal text, one block per target separated by a blank line, ending with a
 * newline.
 * @param report what `aegis scan` produced.
 * @param options `color`: ANSI colours (severity, grade, headings); `width`: wrap column (default 100).
 * @example
 * process.stdout.write(formatScanText(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
 * // https://example.com/  A  96/100  2.3 s
 * //
 * //   category   score  grade  high  medium  low
 * //   tls          100  A+        0       0    0
 * //   …
 */
export function formatScanText(report: ScanReport, options: ScanTextOptions): string {
  const palette = options.color ? ANSI_COLOUR : NO_COLOUR;
  const width = options.width ?? SCAN_TEXT_WIDTH;
  if (report.results.length === 0) return 'no targets\n';
  return report.results.map((result) => formatResult(result, palette, width).join('\n') + '\n').join('\n');
}

function formatResult(result: ScanResult, p: Palette, width: number): string[] {
  const lines: string[] = [];
  const duration = formatDuration(result.durationMs);
  const target = p.bold(printable(result.target));
  if (result.outcome === 'unreachable') {
    lines.push(`${target}  ${p.error('unreachable')}  ${duration}`);
    if (result.error !== undefined) lines.push(...labelled('  ', p.dim('error:') + ' ', 7, printable(result.error), width));
  } else {
    const overall = result.grade?.overall;
    lines.push(overall === undefined ? `${target}  not graded  ${duration}` : `${target}  ${gradeColour(p, overall.grade)(overall.grade)}  ${overall.score}/100  ${duration}`);
    if (result.tls !== undefined) lines.push(...labelled('  ', p.dim('TLS:') + ' ', 5, printable(tlsSummary(result.tls)), width));
    if (result.redirects.length > 0) lines.push(...labelled('  ', p.dim('redirects:') + ' ', 11, printable(redirectSummary(result)), width));
    if (result.grade !== undefined) lines.push('', ...categoryTable(result.grade, p));
    const skipped = SCAN_CATEGORIES.filter((category) => !result.categoriesScanned.includes(category));
    if (skipped.length > 0) lines.push(`  ${p.dim('not scanned:')} ${skipped.join(', ')}`);
    if (result.grade !== undefined && result.grade.caps.length > 0) lines.push('', ...caps(result.grade, p, width));
    lines.push('', ...findings(result.findings, p, width));
  }
  if (result.drift !== undefined) lines.push('', ...drift(result.drift, p, width));
  // An unreachable target's error is usually its only probe error too: shown once.
  const errors = result.outcome === 'unreachable' ? result.errors.filter((error) => error !== result.error) : result.errors;
  if (errors.length > 0) {
    lines.push('', `  ${p.bold('probe errors')} (${errors.length})`);
    for (const error of errors) lines.push(...wrap(printable(error), width - 4, width - 6).map((line, i) => (i === 0 ? '    ' : '      ') + line));
  }
  return lines;
}

/**
 * The redirect chain from http:// and the preload verdict in one line:
 * `http://a/ 308 → https://a/ 200; HSTS preload: eligible` (or `not eligible: <first reason>`).
 */
function redirectSummary(result: ScanResult): string {
  const chain = result.redirects.map((hop) => `${hop.url} ${'error' in hop ? `no answer (${hop.error})` : String(hop.status)}`).join(' → ');
  const preload = result.hstsPreload;
  if (preload === undefined) return chain;
  const more = preload.reasons.length > 1 ? ` (+${preload.reasons.length - 1} more)` : '';
  return `${chain}; HSTS preload: ${preload.eligible ? 'eligible' : `not eligible: ${preload.reasons[0] ?? ''}${more}`}`;
}

/**
 * The TLS facts in one line: `versions TLSv1.2, TLSv1.3; groups x25519, secp256r1 (TLSv1.3)`.
 * Versions whose probe got no usable answer are listed as unknown; an incomplete group list says so.
 */
function tlsSummary(tls: ReportedTls): string {
  const names = Object.keys(TLS_VERSIONS).filter((name) => Object.hasOwn(tls.versions, name)) as Array<keyof ReportedTls['versions']>;
  const accepted = names.filter((name) => tls.versions[name].accepted);
  const unknown = names.filter((name) => !tls.versions[name].accepted && tls.versions[name].error !== undefined);
  let text = `versions ${accepted.length === 0 ? 'none' : accepted.join(', ')}${unknown.length === 0 ? '' : ` (unknown: ${unknown.join(', ')})`}`;
  const groups = tls.groups;
  if (groups !== undefined) {
    const scope = groups.version === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2 curves';
    const cut = groups.complete ? '' : `; incomplete${groups.error === undefined ? '' : `: ${groups.error}`}`;
    text += `; groups ${groups.accepted.length === 0 ? 'none' : groups.accepted.join(', ')} (${scope}${cut})`;
  }
  return text;
}

function categoryTable(grade: ReportedGrade, p: Palette): string[] {
  const lines = [p.dim(`  ${'category'.padEnd(9)}  score  grade  high  medium  low`)];
  for (const category of SCAN_CATEGORIES) {
    const row = grade.categories[category];
    if (row === undefined) continue;
    const { high, medium, low } = row.findings;
    const count = (n: number, pad: number, colour: (text: string) => string) => ' '.repeat(Math.max(0, pad - String(n).length)) + (n > 0 ? colour(String(n)) : String(n));
    lines.push(
      `  ${category.padEnd(9)}  ${String(row.score).padStart(5)}  ${gradeColour(p, row.grade)(row.grade)}${' '.repeat(5 - row.grade.length)}` +
        `  ${count(high, 4, p.error)}  ${count(medium, 6, p.warning)}  ${count(low, 3, p.info)}`,
    );
  }
  return lines;
}

function caps(grade: ReportedGrade, p: Palette, width: number): string[] {
  const lines = [`  ${p.bold('caps')}`];
  const idWidth = Math.max(...grade.caps.map((cap) => printable(cap.id).length));
  const column = 4 + 2 + 2 + idWidth + 2;
  for (const cap of grade.caps) {
    const [first = '', ...rest] = wrap(printable(cap.reason), width - column, width - column);
    const id = printable(cap.id);
    lines.push(`    ${gradeColour(p, cap.grade)(cap.grade)}${' '.repeat(2 - cap.grade.length)}  ${p.bold(id)}${' '.repeat(idWidth - id.length)}  ${first}`, ...rest.map((line) => ' '.repeat(column) + line));
  }
  return lines;
}

function findings(all: readonly ReportedFinding[], p: Palette, width: number): string[] {
  if (all.length === 0) return ['  no findings'];
  const lines: string[] = [];
  const rank = (severity: ScanSeverity) => SEVERITIES.indexOf(severity);
  const categories = [...SCAN_CATEGORIES, ...new Set(all.map((f) => f.category).filter((c) => !SCAN_CATEGORIES.includes(c)))];
  for (const category of categories) {
    const group = all.filter((f) => f.category === category).sort((a, b) => rank(a.severity) - rank(b.severity));
    if (group.length === 0) continue;
    if (lines.length > 0) lines.push('');
    lines.push(`  ${p.bold(category)}`);
    for (const f of group) lines.push(...finding(f, p, width));
  }
  return lines;
}

function finding(f: ReportedFinding, p: Palette, width: number): string[] {
  const id = printable(f.id);
  const titleColumn = DETAIL_INDENT.length + id.length + 2;
  const [first = '', ...rest] = wrap(printable(f.title), width - titleColumn, width - titleColumn);
  const label = severityColour(p, f.severity)(f.severity.toUpperCase()) + ' '.repeat(SEVERITY_WIDTH - f.severity.length);
  return [
    `${FINDING_INDENT}${label}  ${p.bold(id)}  ${first}`,
    ...rest.map((line) => ' '.repeat(titleColumn) + line),
    ...labelled(DETAIL_INDENT, p.dim('evidence:') + ' ', LABEL_WIDTH, printable(f.evidence), width),
    ...labelled(DETAIL_INDENT, p.dim('fix:') + ' '.repeat(LABEL_WIDTH - 4), LABEL_WIDTH, printable(f.fix), width),
  ];
}

function drift(entries: readonly DriftEntry[], p: Palette, width: number): string[] {
  if (entries.length === 0) return [`  ${p.bold('drift from the expected policy')}: none`];
  const lines = [`  ${p.bold('drift from the expected policy')} (${entries.length})`];
  const indent = FINDING_INDENT + ' '.repeat(DRIFT_KIND_WIDTH + 2);
  for (const entry of entries) {
    lines.push(`${FINDING_INDENT}${p.warning(entry.kind)}${' '.repeat(DRIFT_KIND_WIDTH - entry.kind.length)}  ${p.bold(printable(entry.header))}`);
    lines.push(...wrap(printable(entry.detail), width - indent.length, width - indent.length).map((line) => indent + line));
    if (entry.expected !== undefined) lines.push(...labelled(indent, p.dim('expected:') + ' ', LABEL_WIDTH, printable(entry.expected), width));
    if (entry.served !== undefined) lines.push(...labelled(indent, p.dim('served:') + '   ', LABEL_WIDTH, printable(entry.served), width));
  }
  return lines;
}

/** `indent` + `label` + text, wrapped with the continuation lines under the text. `labelWidth` is the label's printed width. */
function labelled(indent: string, label: string, labelWidth: number, text: string, width: number): string[] {
  const column = indent.length + labelWidth;
  const [first = '', ...rest] = wrap(text, width - column, width - column);
  return [`${indent}${label}${first}`.trimEnd(), ...rest.map((line) => ' '.repeat(column) + line)];
}

/**
 * Greedy word wrap: the first line up to `firstWidth` characters, the others up to `restWidth`. A
 * word longer than the width (a URL, a CSP source list without spaces) is cut, never left to
 * overflow. Always at least one line.
 */
function wrap(text: string, firstWidth: number, restWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  const limit = () => Math.max(20, lines.length === 0 ? firstWidth : restWidth);
  for (const word of text.split(' ')) {
    let rest = word;
    while (line === '' && rest.length > limit()) {
      lines.push(rest.slice(0, limit()));
      rest = rest.slice(limit());
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= limit()) line += ' ' + rest;
    else {
      lines.push(line);
      while (rest.length > limit()) {
        lines.push(rest.slice(0, limit()));
        rest = rest.slice(limit());
      }
      line = rest;
    }
  }
  lines.push(line);
  return lines;
}

// C0 and C1 controls (DEL included: Unicode category Cc), and the bidi embedding/override/isolate marks.
const UNPRINTABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** Text from the scanned site with its control characters shown as escapes (`\x1b`, `\u202e`). */
function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function severityColour(p: Palette, severity: ScanSeverity): (text: string) => string {
  return severity === 'high' ? p.error : severity === 'medium' ? p.warning : severity === 'low' ? p.info : p.dim;
}

function gradeColour(p: Palette, grade: Grade): (text: string) => string {
  if (grade.startsWith('A')) return p.bold;
  return grade === 'B' || grade === 'C' ? p.warning : p.error;
}
