/** Sections of the HTML report that list what the scan saw: redirects, drift, headers, probe errors. */

import type { DriftEntry, ScanResult } from '../../result.js';
import { html, type SafeHtml } from './escape.js';

/** The redirect chain from the http:// entry point, and HSTS preload eligibility. */
export function redirectSection(result: ScanResult): SafeHtml {
  if (result.redirects.length === 0 && result.hstsPreload === undefined) return html``;
  const hops = result.redirects.map((hop) => {
    if ('error' in hop) return html`<li><code>${hop.url}</code>: <span class="bad">no answer</span> <code>${hop.error}</code></li>`;
    const hsts = hop.hsts && hop.hsts.length > 0 ? html`<br><span class="muted">Strict-Transport-Security:</span> <code>${hop.hsts.join(' | ')}</code>` : html``;
    const location = hop.location === undefined ? html`` : html` &rarr; <code>${hop.location}</code>`;
    return html`<li><code>${hop.url}</code> answered <strong>${hop.status}</strong>${location}${hsts}</li>`;
  });
  const preload = result.hstsPreload;
  const preloadText = preload === undefined
    ? html``
    : preload.eligible
      ? html`<p>HSTS preload list: <strong>eligible</strong>.</p>`
      : html`<p>HSTS preload list: <strong>not eligible</strong>:</p><ul>${preload.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>`;
  return html`<section>
<h3>Redirect chain</h3>
${hops.length > 0 ? html`<ol class="chain">${hops}</ol>` : html``}
${preloadText}
</section>`;
}

const DRIFT_KINDS: Readonly<Record<DriftEntry['kind'], string>> = {
  missing: 'missing on the site',
  unexpected: 'not in the policy',
  different: 'different value',
};

/** Differences between what the site serves and the expected policy (`--expect`). */
export function driftSection(drift: readonly DriftEntry[]): SafeHtml {
  if (drift.length === 0) {
    return html`<section><h3>Policy drift</h3><p>The site serves exactly what the expected policy sends.</p></section>`;
  }
  const rows = drift.map((entry) => html`<tr>
<th scope="row"><code>${entry.header}</code></th>
<td>${Object.hasOwn(DRIFT_KINDS, entry.kind) ? DRIFT_KINDS[entry.kind] : entry.kind}</td>
<td>${entry.expected === undefined ? html`<span class="muted">(none)</span>` : html`<code>${entry.expected}</code>`}</td>
<td>${entry.served === undefined ? html`<span class="muted">(none)</span>` : html`<code>${entry.served}</code>`}</td>
<td>${entry.detail}</td>
</tr>
`);
  return html`<section>
<h3>Policy drift (${drift.length})</h3>
<table class="drift">
<thead><tr><th scope="col">Header</th><th scope="col">Difference</th><th scope="col">Policy sends</th><th scope="col">Site serves</th><th scope="col">Detail</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

/** The response headers of the judged page, collapsed by default. */
export function headersSection(result: ScanResult): SafeHtml {
  const page = result.page;
  if (page === undefined || page.headers.length === 0) return html``;
  const rows = page.headers.map(([name, value]) => html`<tr><th scope="row"><code>${name}</code></th><td><code>${value}</code></td></tr>
`);
  return html`<section>
<h3>Response headers</h3>
<details class="headers-list">
<summary>${page.headers.length} headers of <code>${page.url}</code> (Set-Cookie values hidden by the scanner)</summary>
<table>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</details>
</section>`;
}

/** Probes that got no usable answer. */
export function errorsSection(errors: readonly string[]): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<section>
<h3>Probe errors (${errors.length})</h3>
<ul class="errors">${errors.map((error) => html`<li><code>${error}</code></li>`)}</ul>
</section>`;
}
