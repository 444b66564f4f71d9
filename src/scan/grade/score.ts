/**
 * The scan grade: a score per category, an overall weighted score and letter, and the caps that
 * limit it. Pure: findings in, grade out.
 * @see ../../../docs/scan-grading.md
 */

import type { ScanFinding, ScanSeverity } from '../finding.js';
import { CATEGORY_WEIGHTS, SCAN_CATEGORIES, categoryOf, type ScanCategory } from './categories.js';
import { applicableCaps, GRADE_CAPS, type AppliedCap, type GradeCap } from './caps.js';
import { letterFor, worseGrade, type Grade } from './letters.js';

/** Points a category loses per finding of each severity (a category starts at 100, floors at 0). */
export const SEVERITY_DEDUCTIONS: Readonly<Record<ScanSeverity, number>> = { high: 30, medium: 15, low: 5, info: 0 };

/** How many findings of each severity. */
export type SeverityCounts = Record<ScanSeverity, number>;

/** The grade of one scanned category. */
export interface CategoryGrade {
  /** 0–100: 100 minus the deductions, floored at 0. */
  readonly score: number;
  readonly grade: Grade;
  readonly findings: SeverityCounts;
}

/** The grade of a whole scan. */
export interface ScanGrade {
  /** Weighted mean of the scanned categories (rounded), its letter, lowered by the caps. */
  readonly overall: { readonly grade: Grade; readonly score: number };
  /** Only the scanned categories: a category that was not scanned has no entry (it is never scored 100). */
  readonly categories: Partial<Record<ScanCategory, CategoryGrade>>;
  /** Every cap the findings triggered, worst grade first (also those above the score's letter). */
  readonly caps: readonly AppliedCap[];
}

/** What {@link gradeScan} needs besides the findings. */
export interface GradeOptions {
  /** The categories the scan looked at; the others are left out of the overall score. At least one. */
  readonly categoriesScanned: readonly ScanCategory[];
  /** Cap rules to apply (default: {@link GRADE_CAPS}). */
  readonly caps?: readonly GradeCap[];
}

function noFindings(): SeverityCounts {
  return { high: 0, medium: 0, low: 0, info: 0 };
}

/** The score of one category from its severity counts. */
export function categoryScore(counts: SeverityCounts): number {
  let deducted = 0;
  for (const severity of Object.keys(counts) as ScanSeverity[]) deducted += counts[severity] * SEVERITY_DEDUCTIONS[severity];
  return Math.max(0, 100 - deducted);
}

function onlyLowOrInfo(counts: SeverityCounts): boolean {
  return counts.high === 0 && counts.medium === 0;
}

/**
 * Grade a scan: each scanned category starts at 100 and loses {@link SEVERITY_DEDUCTIONS} per
 * finding (floored at 0); the overall score is the mean of the scanned categories weighted by
 * `CATEGORY_WEIGHTS`, rounded; its letter follows `GRADE_THRESHOLDS` (A+ needs no finding above low
 * anywhere) and is lowered to the worst applicable cap.
 * @throws Error when no category is scanned, when a finding id has no graded area, or when a finding
 * belongs to a category not listed in `categoriesScanned` (a caller bug, not something to guess).
 * @example
 * gradeScan([], { categoriesScanned: ['headers', 'csp'] }).overall // { grade: 'A+', score: 100 }
 */
export function gradeScan(findings: readonly ScanFinding[], options: GradeOptions): ScanGrade {
  const scanned = SCAN_CATEGORIES.filter((category) => options.categoriesScanned.includes(category));
  if (scanned.length === 0) throw new Error('cannot grade a scan without a scanned category');
  const counts = new Map<ScanCategory, SeverityCounts>(scanned.map((category) => [category, noFindings()]));
  for (const finding of findings) {
    const category = categoryOf(finding.id);
    const row = counts.get(category);
    if (row === undefined) throw new Error(`finding "${finding.id}" belongs to "${category}", which is not in categoriesScanned`);
    row[finding.severity] += 1;
  }

  const categories: Partial<Record<ScanCategory, CategoryGrade>> = {};
  let weighted = 0;
  let weights = 0;
  let allLowOrInfo = true;
  for (const [category, row] of counts) {
    const score = categoryScore(row);
    categories[category] = { score, grade: letterFor(score, onlyLowOrInfo(row)), findings: row };
    weighted += score * CATEGORY_WEIGHTS[category];
    weights += CATEGORY_WEIGHTS[category];
    allLowOrInfo &&= onlyLowOrInfo(row);
  }

  const score = Math.round(weighted / weights);
  const caps = applicableCaps(findings, options.caps ?? GRADE_CAPS);
  caps.sort((a, b) => (a.grade === b.grade ? 0 : worseGrade(a.grade, b.grade) === a.grade ? -1 : 1));
  const grade = caps.reduce<Grade>((worst, cap) => worseGrade(worst, cap.grade), letterFor(score, allLowOrInfo));
  return { overall: { grade, score }, categories, caps };
}
