/**
 * Letter grades: their order, the score thresholds, and the A+ rule.
 * @see ../../../docs/scan-grading.md
 */

/** A letter grade, best first. */
export type Grade = 'A+' | 'A' | 'A-' | 'B' | 'C' | 'D' | 'E' | 'F';

/** Every grade, best first. */
export const GRADES: readonly Grade[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F'];

/**
 * Lowest score (0–100) for each letter below A+, best first; under the last one is F. A+ is an A
 * (90 or more) with no finding above low.
 */
export const GRADE_THRESHOLDS: readonly (readonly [Grade, number])[] = [
  ['A', 90],
  ['A-', 85],
  ['B', 75],
  ['C', 65],
  ['D', 50],
  ['E', 35],
];

/**
 * The letter for `score`; `onlyLowOrInfo` says no finding counted in that score is high or medium,
 * which turns an A into an A+.
 * @example letterFor(100, true) // 'A+'
 * @example letterFor(98, false) // 'A'
 */
export function letterFor(score: number, onlyLowOrInfo: boolean): Grade {
  for (const [grade, minimum] of GRADE_THRESHOLDS) {
    if (score >= minimum) return grade === 'A' && onlyLowOrInfo ? 'A+' : grade;
  }
  return 'F';
}

/** The worse of two grades. */
export function worseGrade(a: Grade, b: Grade): Grade {
  return GRADES.indexOf(a) >= GRADES.indexOf(b) ? a : b;
}
