/**
 * Every finding id `aegis scan` can report, in one list, and where each one is documented. The
 * per-area tables (`<area>/findings.ts`) stay the source of truth; this file only puts them
 * together in the categories' report order. `test/unit/scan-findings-docs.test.ts` keeps
 * `docs/scan-findings.md` in step with the list.
 * @see ../../docs/scan-findings.md
 */

import { CONTENT_FINDING_TABLE } from './content/findings.js';
import { COOKIE_FINDING_TABLE } from './cookies/findings.js';
import { CORS_FINDING_TABLE } from './cors/findings.js';
import { CSP_FINDING_TABLE } from './csp/findings.js';
import { EXPOSURE_FINDING_TABLE } from './exposures/findings.js';
import type { FindingKind } from './finding.js';
import { AREA_CATEGORIES, SCAN_CATEGORIES, type ScanCategory } from './grade/categories.js';
import { HEADER_FINDING_TABLE } from './headers/findings.js';
import { TLS_FINDING_TABLE } from './tls/findings.js';
import { TRANSPORT_FINDING_TABLE } from './transport/findings.js';

/** The reference page of every scan finding id, relative to the repository root. */
export const SCAN_FINDINGS_DOC = 'docs/scan-findings.md';

/** Each area's table, by the area token of its ids (`AEGIS-SCAN-<AREA>-NNN`). */
const AREA_TABLES: Readonly<Record<string, readonly FindingKind[]>> = {
  TLS: TLS_FINDING_TABLE,
  TRANSPORT: TRANSPORT_FINDING_TABLE,
  HDR: HEADER_FINDING_TABLE,
  CSP: CSP_FINDING_TABLE,
  COOKIE: COOKIE_FINDING_TABLE,
  CORS: CORS_FINDING_TABLE,
  CONTENT: CONTENT_FINDING_TABLE,
  EXPOSE: EXPOSURE_FINDING_TABLE,
};

/** The table of a graded category. Throws when no table is wired for it (a category added without one). */
function tableOf(category: ScanCategory): readonly FindingKind[] {
  const area = Object.keys(AREA_CATEGORIES).find((token) => AREA_CATEGORIES[token] === category);
  const table = area === undefined ? undefined : AREA_TABLES[area];
  if (table === undefined) throw new Error(`finding-table: no finding table for the scan category "${category}"`);
  return table;
}

/**
 * Every finding kind of every area, in category report order (`SCAN_CATEGORIES`: tls, transport,
 * headers, csp, cookies, cors, content, exposures), each area's rows in id order. Frozen.
 * @example SCAN_FINDING_TABLE[0]?.id // 'AEGIS-SCAN-TLS-001'
 */
export const SCAN_FINDING_TABLE: readonly FindingKind[] = Object.freeze(SCAN_CATEGORIES.flatMap((category) => tableOf(category)));

const BY_ID: ReadonlyMap<string, FindingKind> = new Map(SCAN_FINDING_TABLE.map((kind) => [kind.id, kind]));

/**
 * The finding kind (id, severity, title) with this id, or `undefined` when no table has it.
 * @example scanFindingKind('AEGIS-SCAN-CSP-011')?.severity // 'high'
 */
export function scanFindingKind(id: string): FindingKind | undefined {
  return BY_ID.get(id);
}

/**
 * The anchor of an id's heading in `docs/scan-findings.md`, as GitHub renders it: each id has a
 * `### <ID>` heading, whose anchor is the id in lower case. Append it to the page's URL
 * (`docs/scan-findings.md#aegis-scan-csp-011`).
 * @throws Error when the id is in no finding table (so it has no heading to point at).
 * @example findingDocsAnchor('AEGIS-SCAN-CSP-011') // 'aegis-scan-csp-011'
 */
export function findingDocsAnchor(id: string): string {
  if (!BY_ID.has(id)) throw new Error(`no scan finding "${id}": it has no section in ${SCAN_FINDINGS_DOC}`);
  return githubAnchor(id);
}

/** GitHub's heading anchor: lower case, characters other than letters, digits, `-`, `_` and spaces dropped, spaces to `-`. */
function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
