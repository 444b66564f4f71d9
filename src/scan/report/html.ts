/**
 * `aegis scan --format html`: the report as one self-contained HTML document, for people. No
 * script, no external resource of any kind (inline CSS and SVG only), and its own strict
 * Content-Security-Policy in a `<meta>` element that admits exactly the one `<style>` element by
 * hash. Every value from the report is HTML-escaped: evidence, URLs and header values come from the
 * scanned servers.
 * @see ../../../docs/scan-grading.md
 */

import type { ScanReport, ScanResult } from '../result.js';
import { html, rawTextElementBody, type SafeHtml } from './html/escape.js';
import { countsText, gradeChip } from './html/format.js';
import { REPORT_CSP, REPORT_CSS } from './html/styles.js';
import { targetSection } from './html/target.js';

export { FINDINGS_DOC_PATH, FINDINGS_DOC_URL } from './html/format.js';
export { REPORT_CSP, REPORT_CSS, REPORT_STYLE_SOURCE } from './html/styles.js';

/**
 * The report as an HTML document (UTF-8, starting with `<!doctype html>`).
 *
 * Per target: the grade badge (A+ to F, coloured by grade, with the letter as text), score, date
 * and duration; a bar per category with its score, grade and finding counts; the caps with their
 * reasons; findings by category, worst first, each with its severity, id (linked to
 * `docs/scan-findings.md`), title, evidence and fix; the TLS versions, suites and certificate; the
 * redirect chain; policy drift (with `--expect`); the response headers; probe errors. An unreachable
 * target shows its error in place of the grade. Several targets get a summary table first.
 *
 * The document's CSP is {@link REPORT_CSP}: `default-src 'none'`, the style element's hash, `img-src
 * data:`, `base-uri 'none'`, `form-action 'none'`; there is no script at all.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('scan.html', formatScanHtml(report));
 */
export function formatScanHtml(report: ScanReport): string {
  const results = report.results;
  const title = results.length === 1 && results[0] ? `Aegis scan report: ${results[0].target}` : `Aegis scan report: ${results.length} targets`;
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${report.tool.name} ${report.tool.version}">
<title>${title}</title>
<link rel="icon" href="data:,">
<style>${rawTextElementBody(REPORT_CSS)}</style>
</head>
<body>
<header>
<h1>Aegis scan report</h1>
<p class="tool">${report.tool.name} ${report.tool.version} &middot; ${results.length === 1 ? '1 target' : `${results.length} targets`} &middot; result schema ${report.schemaVersion}</p>
</header>
<main>
${results.length > 1 ? summarySection(results) : html``}
${results.length === 0 ? html`<p>No targets were scanned.</p>` : html``}
${results.map((result, index) => targetSection(result, index))}
</main>
<footer>
<p>Grades follow <code>docs/scan-grading.md</code>; each finding id links to its entry in <code>docs/scan-findings.md</code>. This file loads nothing and runs no script.</p>
</footer>
</body>
</html>
`;
  return document.toString();
}

function summarySection(results: readonly ScanResult[]): SafeHtml {
  const rows = results.map((result, index) => {
    const grade = result.grade?.overall;
    const counts: Partial<Record<string, number>> = {};
    for (const finding of result.findings) counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
    return html`<tr>
<th scope="row"><a href="#target-${index + 1}">${result.target}</a></th>
<td>${grade ? gradeChip(grade.grade) : html`<strong class="bad">unreachable</strong>`}</td>
<td class="num">${grade ? `${grade.score} / 100` : ''}</td>
<td>${grade ? countsText(counts) : html`<code>${result.error ?? ''}</code>`}</td>
</tr>
`;
  });
  return html`<section class="summary">
<h2>Summary</h2>
<table>
<thead><tr><th scope="col">Target</th><th scope="col">Grade</th><th scope="col" class="num">Score</th><th scope="col">Findings</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}
