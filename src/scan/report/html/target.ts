/**
 * One target of the HTML report: its heading with the grade badge, the category bars, the caps and
 * the findings; the TLS, redirect, drift, header and error sections come from their own files.
 */

import { SCAN_CATEGORIES, type ScanCategory } from '../../grade/categories.js';
import type { CategoryGrade } from '../../grade/score.js';
import type { ReportedFinding, ScanResult } from '../../result.js';
import { driftSection, errorsSection, headersSection, redirectSection } from './details.js';
import { html, type SafeHtml } from './escape.js';
import { categoryLabel, countsText, findingLink, formatDuration, gradeChip, gradeClass, severityChip, severityRank, timeElement } from './format.js';
import { tlsSection } from './tls.js';

/** The whole section of one target; `index` makes its anchors unique (`target-1`…). */
export function targetSection(result: ScanResult, index: number): SafeHtml {
  const id = `target-${index + 1}`;
  if (result.outcome !== 'scanned' || result.grade === undefined) {
    return html`<article class="target" id="${id}" aria-labelledby="${id}-title">
${targetHead(result, id)}
<div class="unreachable">
<p>Unreachable: this target could not be scanned.</p>
<p><code>${result.error ?? 'no error was recorded'}</code></p>
</div>
${redirectSection(result)}
${errorsSection(result.errors)}
</article>
`;
  }
  return html`<article class="target" id="${id}" aria-labelledby="${id}-title">
${targetHead(result, id)}
${categoriesSection(result)}
${capsSection(result)}
${findingsSection(result, id)}
${result.tls ? tlsSection(result.tls) : html``}
${redirectSection(result)}
${result.drift ? driftSection(result.drift) : html``}
${headersSection(result)}
${errorsSection(result.errors)}
</article>
`;
}

function targetHead(result: ScanResult, id: string): SafeHtml {
  const grade = result.grade?.overall;
  const badge = grade
    ? html`<div class="badge ${gradeClass(grade.grade)}" role="img" aria-label="Overall grade ${grade.grade}">${grade.grade}</div>`
    : html`<div class="badge g-x" role="img" aria-label="Not graded: unreachable">?</div>`;
  const score = grade ? html`<span>Score <strong>${grade.score}</strong> / 100</span>` : html`<span><strong>Not graded</strong></span>`;
  const page = result.page ? html`<span>Page <code>${result.page.url}</code> answered <strong>${result.page.status}</strong></span>` : html``;
  return html`<div class="target-head">
${badge}
<div>
<h2 id="${id}-title">${result.target}</h2>
<p class="facts">${score}<span>Scanned ${timeElement(result.startedAt)}</span><span>in ${formatDuration(result.durationMs)}</span>${page}</p>
</div>
</div>`;
}

function categoriesSection(result: ScanResult): SafeHtml {
  const categories = result.grade?.categories ?? {};
  const rows = SCAN_CATEGORIES.map((category) => {
    const grade: CategoryGrade | undefined = categories[category];
    if (grade === undefined) {
      return html`<tr><th scope="row">${categoryLabel(category)}</th><td colspan="4" class="not-scanned">not scanned</td></tr>`;
    }
    const width = Math.max(0, Math.min(100, Number(grade.score) || 0));
    return html`<tr>
<th scope="row">${categoryLabel(category)}</th>
<td><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="bar-track" width="100" height="10" rx="2"></rect><rect class="${gradeClass(grade.grade)}" width="${width}" height="10" rx="2"></rect></svg></td>
<td class="num">${grade.score} / 100</td>
<td>${gradeChip(grade.grade)}</td>
<td>${countsText(grade.findings)}</td>
</tr>`;
  });
  return html`<section>
<h3>Categories</h3>
<table class="categories">
<thead><tr><th scope="col">Category</th><th scope="col">Score bar</th><th scope="col" class="num">Score</th><th scope="col">Grade</th><th scope="col">Findings</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

function capsSection(result: ScanResult): SafeHtml {
  const caps = result.grade?.caps ?? [];
  if (caps.length === 0) return html``;
  const items = caps.map((cap) => html`<li>Capped at ${gradeChip(cap.grade)} by ${findingLink(cap.id)}: ${cap.reason}</li>`);
  return html`<section>
<h3>Grade caps</h3>
<p class="muted">Some findings limit the overall grade whatever the score; caps never change the score.</p>
<ul class="caps">
${items}
</ul>
</section>`;
}

/** Findings by category (report order), worst first within each; categories without findings are left out. */
function groupFindings(findings: readonly ReportedFinding[]): [string, ReportedFinding[]][] {
  const groups = new Map<string, ReportedFinding[]>();
  for (const category of SCAN_CATEGORIES) groups.set(category, []);
  for (const finding of findings) {
    const group = groups.get(finding.category) ?? [];
    group.push(finding);
    groups.set(finding.category, group);
  }
  return [...groups]
    .filter(([, group]) => group.length > 0)
    .map(([category, group]) => [category, group.map((finding, order) => ({ finding, order })).sort((a, b) => severityRank(a.finding.severity) - severityRank(b.finding.severity) || a.order - b.order).map(({ finding }) => finding)]);
}

function findingsSection(result: ScanResult, targetId: string): SafeHtml {
  if (result.findings.length === 0) {
    return html`<section><h3>Findings</h3><p>No findings.</p></section>`;
  }
  let n = 0;
  const groups = groupFindings(result.findings).map(([category, findings]) => {
    const counts: Partial<Record<string, number>> = {};
    for (const finding of findings) counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
    const items = findings.map((finding) => findingItem(finding, `${targetId}-finding-${++n}`));
    return html`<details class="finding-group" open>
<summary><h4>${categoryLabel(category as ScanCategory)}</h4> <span class="muted">(${countsText(counts)})</span></summary>
<ol class="findings">
${items}
</ol>
</details>`;
  });
  return html`<section>
<h3>Findings (${result.findings.length})</h3>
${groups}
</section>`;
}

function findingItem(finding: ReportedFinding, id: string): SafeHtml {
  return html`<li class="finding" id="${id}">
<div class="finding-head">${severityChip(finding.severity)} ${findingLink(finding.id)} <strong>${finding.title}</strong></div>
<dl>
<dt>Evidence</dt><dd><code class="evidence">${finding.evidence}</code></dd>
<dt>Fix</dt><dd>${finding.fix}</dd>
</dl>
</li>
`;
}
