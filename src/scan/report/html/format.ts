/**
 * Small formatting helpers of the HTML report: class names for grades and severities (looked up in
 * fixed tables, never built from report text), category labels, dates and durations.
 */

import type { ScanSeverity } from '../../finding.js';
import type { ScanCategory } from '../../grade/categories.js';
import type { Grade } from '../../grade/letters.js';
import { SCAN_FINDINGS_DOC } from '../../finding-table.js';
import { AEGIS_DOCS_URL } from '../json.js';
import { html, type SafeHtml } from './escape.js';

/**
 * Where finding ids link to: the findings reference, one section per id, anchored by the id in
 * lower case (`#aegis-scan-csp-011`). An absolute URL because a report is opened from anywhere (a
 * file, a CI artifact); the link text stays the id, and its title shows the repository-relative
 * path (`docs/scan-findings.md#…`).
 */
export const FINDINGS_DOC_URL = `${AEGIS_DOCS_URL}scan-findings.md`;

/** The repository-relative name of {@link FINDINGS_DOC_URL}, shown in link titles. */
export const FINDINGS_DOC_PATH = SCAN_FINDINGS_DOC;

const GRADE_CLASSES: Readonly<Record<Grade, string>> = {
  'A+': 'g-ap',
  A: 'g-a',
  'A-': 'g-am',
  B: 'g-b',
  C: 'g-c',
  D: 'g-d',
  E: 'g-e',
  F: 'g-f',
};

const SEVERITY_CLASSES: Readonly<Record<ScanSeverity, string>> = {
  high: 'sev-high',
  medium: 'sev-medium',
  low: 'sev-low',
  info: 'sev-info',
};

/** Severities, worst first. */
export const SEVERITY_ORDER: readonly ScanSeverity[] = ['high', 'medium', 'low', 'info'];

/** Human names of the categories. */
export const CATEGORY_LABELS: Readonly<Record<ScanCategory, string>> = {
  tls: 'TLS',
  transport: 'Transport (HTTPS, HSTS, redirects)',
  headers: 'Security headers',
  csp: 'Content-Security-Policy',
  cookies: 'Cookies',
  cors: 'CORS',
  content: 'Page content',
  exposures: 'Exposed files and endpoints',
};

function lookup(table: Readonly<Record<string, string>>, key: string, fallback: string): string {
  return Object.hasOwn(table, key) ? (table[key] ?? fallback) : fallback;
}

/** The colour class of a grade (`g-x` for a value that is not a grade). */
export function gradeClass(grade: string): string {
  return lookup(GRADE_CLASSES, grade, 'g-x');
}

/** The colour class of a severity (`sev-x` for a value that is not a severity). */
export function severityClass(severity: string): string {
  return lookup(SEVERITY_CLASSES, severity, 'sev-x');
}

/** The label of a category (the raw name for one this table does not know). */
export function categoryLabel(category: string): string {
  return lookup(CATEGORY_LABELS, category, category);
}

/** Rank of a severity for sorting, worst first (unknown values last). */
export function severityRank(severity: string): number {
  const rank = SEVERITY_ORDER.indexOf(severity as ScanSeverity);
  return rank === -1 ? SEVERITY_ORDER.length : rank;
}

/** A grade chip: the letter on its colour. */
export function gradeChip(grade: string): SafeHtml {
  return html`<span class="chip ${gradeClass(grade)}">${grade}</span>`;
}

/** A severity chip: the word on its colour. */
export function severityChip(severity: string): SafeHtml {
  return html`<span class="sev ${severityClass(severity)}">${severity}</span>`;
}

/**
 * An ISO 8601 instant as `2025-03-14 09:26:53 UTC` in a `<time>` element (the text as given when it
 * does not parse).
 */
export function timeElement(iso: string): SafeHtml {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`<time>${iso}</time>`;
  const text = `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return html`<time datetime="${date.toISOString()}">${text}</time>`;
}

/** A duration in milliseconds, readable: `38 ms`, `4.2 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** `1 high, 2 medium` from severity counts (`no findings` when all are zero). */
export function countsText(counts: Partial<Readonly<Record<ScanSeverity, number>>>): string {
  const parts = SEVERITY_ORDER.filter((severity) => (counts[severity] ?? 0) > 0).map((severity) => `${counts[severity]} ${severity}`);
  return parts.length === 0 ? 'no findings' : parts.join(', ');
}

/** The documentation link of a finding id. */
export function findingLink(id: string): SafeHtml {
  const anchor = encodeURIComponent(id.toLowerCase());
  return html`<a class="finding-id" href="${FINDINGS_DOC_URL}#${anchor}" title="${FINDINGS_DOC_PATH}#${anchor}" rel="noopener noreferrer">${id}</a>`;
}
