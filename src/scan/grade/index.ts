/**
 * The grade of `aegis scan`: per-category scores, the overall letter and the caps that limit it.
 * Pure functions over `ScanFinding`s. Not a package subpath yet.
 * @packageDocumentation
 */
export { AREA_CATEGORIES, CATEGORY_WEIGHTS, SCAN_CATEGORIES, areaOf, categoryOf } from './categories.js';
export type { ScanCategory } from './categories.js';
export { GRADES, GRADE_THRESHOLDS, letterFor, worseGrade } from './letters.js';
export type { Grade } from './letters.js';
export { CATEGORY_CAPS, FINDING_CAPS, GRADE_CAPS, TLS_CAPS, applicableCaps, capMatches } from './caps.js';
export type { AppliedCap, GradeCap } from './caps.js';
export { SEVERITY_DEDUCTIONS, categoryScore, gradeScan } from './score.js';
export type { CategoryGrade, GradeOptions, ScanGrade, SeverityCounts } from './score.js';
