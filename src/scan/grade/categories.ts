/**
 * The eight categories `aegis scan` grades, their weights in the overall score, and how a finding id
 * maps to one: by the area in the id (`AEGIS-SCAN-<AREA>-<NNN>`).
 * @see ../../../docs/scan-grading.md
 */

/** A graded category, in report order. */
export type ScanCategory = 'tls' | 'transport' | 'headers' | 'csp' | 'cookies' | 'cors' | 'content' | 'exposures';

/** Every category, in report order. */
export const SCAN_CATEGORIES: readonly ScanCategory[] = ['tls', 'transport', 'headers', 'csp', 'cookies', 'cors', 'content', 'exposures'];

/**
 * Weight of each category in the overall score (they sum to 100). A category that was not scanned
 * is left out and the others are re-weighted among themselves.
 */
export const CATEGORY_WEIGHTS: Readonly<Record<ScanCategory, number>> = {
  tls: 20,
  transport: 15,
  headers: 10,
  csp: 15,
  cookies: 10,
  cors: 10,
  content: 5,
  exposures: 15,
};

/** The area token of a finding id, and the category it belongs to. */
export const AREA_CATEGORIES: Readonly<Record<string, ScanCategory>> = {
  TLS: 'tls',
  TRANSPORT: 'transport',
  HDR: 'headers',
  CSP: 'csp',
  COOKIE: 'cookies',
  CORS: 'cors',
  CONTENT: 'content',
  EXPOSE: 'exposures',
};

const ID_PATTERN = /^AEGIS-SCAN-([A-Z]+)-\d{3}$/;

/** The area token of a finding id (`AEGIS-SCAN-CSP-011` → `CSP`), or `undefined` when the id has another shape. */
export function areaOf(id: string): string | undefined {
  return ID_PATTERN.exec(id)?.[1];
}

/**
 * The category a finding id belongs to.
 * @throws Error when the id is not `AEGIS-SCAN-<AREA>-<NNN>` or its area is not graded: an unknown
 * area must be added here, not silently ignored.
 * @example categoryOf('AEGIS-SCAN-HDR-005') // 'headers'
 */
export function categoryOf(id: string): ScanCategory {
  const area = areaOf(id);
  const category = area === undefined ? undefined : AREA_CATEGORIES[area];
  if (category === undefined) throw new Error(`cannot grade finding "${id}": not an AEGIS-SCAN id of a graded area (${Object.keys(AREA_CATEGORIES).join(', ')})`);
  return category;
}
