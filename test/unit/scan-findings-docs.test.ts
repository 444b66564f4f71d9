import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/catalogue.js';
import { CONTENT_FINDING_TABLE } from '../../src/scan/content/findings.js';
import { COOKIE_FINDING_TABLE } from '../../src/scan/cookies/findings.js';
import { CORS_FINDING_TABLE } from '../../src/scan/cors/findings.js';
import { CSP_FINDING_TABLE } from '../../src/scan/csp/findings.js';
import { EXPOSURE_FINDING_TABLE } from '../../src/scan/exposures/findings.js';
import { finding, type FindingKind } from '../../src/scan/finding.js';
import { SCAN_FINDINGS_DOC, SCAN_FINDING_TABLE, findingDocsAnchor, scanFindingKind } from '../../src/scan/finding-table.js';
import { GRADES, SCAN_CATEGORIES, applicableCaps, categoryOf, type Grade, type ScanCategory } from '../../src/scan/grade/index.js';
import { HEADER_FINDING_TABLE } from '../../src/scan/headers/findings.js';
import { TLS_FINDING_TABLE } from '../../src/scan/tls/findings.js';
import { TRANSPORT_FINDING_TABLE } from '../../src/scan/transport/findings.js';

// docs/scan-findings.md is the reference of every `aegis scan` finding id: one `## <Name> (`<category>`)`
// section per graded category, in report order, and in it one `### AEGIS-SCAN-<AREA>-NNN` section
// per id of that category, in table order, each starting with
// `**Severity:** <severity>. **Title:** `<title>`.` and, when a grade cap applies,
// ` **Caps the grade at:** <grade>.`

/** Every area table, with the category its ids are graded in. */
const TABLES: ReadonlyArray<readonly [ScanCategory, readonly FindingKind[]]> = [
  ['tls', TLS_FINDING_TABLE],
  ['transport', TRANSPORT_FINDING_TABLE],
  ['headers', HEADER_FINDING_TABLE],
  ['csp', CSP_FINDING_TABLE],
  ['cookies', COOKIE_FINDING_TABLE],
  ['cors', CORS_FINDING_TABLE],
  ['content', CONTENT_FINDING_TABLE],
  ['exposures', EXPOSURE_FINDING_TABLE],
];

const doc = readFileSync(new URL(`../../${SCAN_FINDINGS_DOC}`, import.meta.url), 'utf8');

interface IdSection {
  /** The id in the `###` heading. */
  readonly id: string;
  /** The category of the `##` section it is in. */
  readonly category: string | undefined;
  readonly body: string;
}

/** The `### AEGIS-SCAN-…` sections of the document, in order, with the `##` category around each. */
function idSections(text: string): IdSection[] {
  const sections: IdSection[] = [];
  let category: string | undefined;
  for (const chunk of text.split(/^(?=#{2,3} )/m)) {
    const heading = chunk.split('\n', 1)[0] ?? '';
    if (heading.startsWith('## ')) category = /\(`([a-z]+)`\)$/.exec(heading)?.[1];
    const id = /^### (AEGIS-SCAN-\S*)\s*$/.exec(heading)?.[1];
    if (id !== undefined) sections.push({ id, category, body: chunk });
  }
  return sections;
}

/** Every heading (any level) of the document, as written after the `#`s. */
function headings(text: string): string[] {
  return [...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => match[1] ?? '');
}

/**
 * The anchor GitHub gives a heading: inline markup removed, lower case, every character other than
 * letters, marks, digits, `_`, `-` and spaces dropped, spaces turned into `-` (github-slugger).
 */
function githubSlug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const severityOf = (section: IdSection): string | undefined => /^\*\*Severity:\*\* (\w+)\./m.exec(section.body)?.[1];
const titleOf = (section: IdSection): string | undefined => /\*\*Title:\*\* `([^`]+)`\./.exec(section.body)?.[1];
const capOf = (section: IdSection): string | undefined => /\*\*Caps the grade at:\*\* ([A-F][+-]?)\./.exec(section.body)?.[1];

/** The worst grade the cap rules put on a finding of this kind, alone; `undefined` when none applies. */
function expectedCap(kind: FindingKind): Grade | undefined {
  const caps = applicableCaps([finding(kind, 'evidence', 'fix')]).map((cap) => cap.grade);
  return caps.length === 0 ? undefined : caps.reduce((worst, grade) => (GRADES.indexOf(grade) > GRADES.indexOf(worst) ? grade : worst));
}

describe('SCAN_FINDING_TABLE', () => {
  it('is every area table, concatenated in category report order', () => {
    expect(SCAN_FINDING_TABLE.length).toBe(TABLES.reduce((sum, [, table]) => sum + table.length, 0));
    expect(SCAN_FINDING_TABLE).toEqual(TABLES.flatMap(([, table]) => table));
    expect(TABLES.map(([category]) => category)).toEqual(SCAN_CATEGORIES);
  });

  it('has unique ids across the tables', () => {
    const ids = SCAN_FINDING_TABLE.map((kind) => kind.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  it('maps every id to the graded category of its table', () => {
    const got = TABLES.flatMap(([, table]) => table.map((kind) => `${kind.id} ${categoryOf(kind.id)}`));
    expect(got).toEqual(TABLES.flatMap(([category, table]) => table.map((kind) => `${kind.id} ${category}`)));
  });

  it('finds a kind by id, and nothing for an unknown id', () => {
    expect(scanFindingKind('AEGIS-SCAN-CSP-011')).toEqual({ id: 'AEGIS-SCAN-CSP-011', severity: 'high', title: "'unsafe-inline' allows inline scripts" });
    expect(scanFindingKind('AEGIS-SCAN-TLS-001')).toEqual({ id: 'AEGIS-SCAN-TLS-001', severity: 'high', title: 'SSL 3.0 accepted' });
    expect(scanFindingKind('AEGIS-SCAN-CSP-999')).toBeUndefined();
    expect(scanFindingKind('aegis-scan-csp-011')).toBeUndefined();
    for (const kind of SCAN_FINDING_TABLE) expect(scanFindingKind(kind.id)).toBe(kind);
  });
});

describe('docs/scan-findings.md', () => {
  const documented = idSections(doc);

  it('has exactly one section per finding id, in table order, and none for another id', () => {
    expect(documented.map((s) => s.id)).toEqual(SCAN_FINDING_TABLE.map((kind) => kind.id));
  });

  it('mentions no AEGIS-SCAN id that no table has', () => {
    const known = new Set(SCAN_FINDING_TABLE.map((kind) => kind.id));
    const mentioned = new Set(doc.match(/AEGIS-SCAN-[A-Z]+-\d+/g) ?? []);
    expect([...mentioned].filter((id) => !known.has(id))).toEqual([]);
  });

  it("gives each id the table's severity", () => {
    expect(documented.map((s) => `${s.id} ${severityOf(s)}`)).toEqual(SCAN_FINDING_TABLE.map((kind) => `${kind.id} ${kind.severity}`));
  });

  it("gives each id the table's title, exactly", () => {
    expect(documented.map((s) => `${s.id}: ${titleOf(s)}`)).toEqual(SCAN_FINDING_TABLE.map((kind) => `${kind.id}: ${kind.title}`));
  });

  it('says which ids cap the grade, at the grade the cap rules give', () => {
    expect(documented.map((s) => `${s.id} ${capOf(s) ?? '-'}`)).toEqual(SCAN_FINDING_TABLE.map((kind) => `${kind.id} ${expectedCap(kind) ?? '-'}`));
  });

  it('puts each id under the section of its category, the categories in report order', () => {
    expect(documented.map((s) => `${s.id} ${s.category}`)).toEqual(SCAN_FINDING_TABLE.map((kind) => `${kind.id} ${categoryOf(kind.id)}`));
    const categorySections = headings(doc)
      .map((heading) => /^[^#].*\(`([a-z]+)`\)$/.exec(heading)?.[1])
      .filter((category) => category !== undefined);
    expect(categorySections).toEqual(SCAN_CATEGORIES);
  });

  it('says what each check detects, why it matters and how to fix it', () => {
    const missing = documented.filter((s) => !['**Detects:**', '**Why it matters:**', '**Fix:**'].every((label) => s.body.includes(label)));
    expect(missing.map((s) => s.id)).toEqual([]);
  });

  it('names only `aegis check` ids that exist', () => {
    const known = new Set(['AEGIS-E000', ...CHECKS.map((check) => check.id)]);
    const mentioned = new Set(doc.match(/AEGIS-[EWI]\d{3}/g) ?? []);
    expect([...mentioned].filter((id) => !known.has(id))).toEqual([]);
  });

  it('links only to headings of the page and to files that exist', () => {
    const anchors = new Set(headings(doc).map(githubSlug));
    const links = [...doc.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? '');
    expect(links.filter((link) => link.startsWith('#') && !anchors.has(link.slice(1)))).toEqual([]);
    const files = links.filter((link) => !link.startsWith('#') && !/^https?:/.test(link));
    expect(files.filter((file) => !existsSync(new URL(file, new URL(`../../${SCAN_FINDINGS_DOC}`, import.meta.url))))).toEqual([]);
  });
});

describe('findingDocsAnchor', () => {
  it('is the anchor GitHub gives the id heading', () => {
    expect(findingDocsAnchor('AEGIS-SCAN-CSP-011')).toBe('aegis-scan-csp-011');
    expect(findingDocsAnchor('AEGIS-SCAN-TRANSPORT-001')).toBe('aegis-scan-transport-001');
    expect(findingDocsAnchor('AEGIS-SCAN-EXPOSE-041')).toBe('aegis-scan-expose-041');
    const headingOf = new Map(idSections(doc).map((s) => [s.id, (s.body.split('\n', 1)[0] ?? '').replace(/^### /, '')]));
    expect(SCAN_FINDING_TABLE.map((kind) => `${kind.id} ${findingDocsAnchor(kind.id)}`)).toEqual(
      SCAN_FINDING_TABLE.map((kind) => `${kind.id} ${githubSlug(headingOf.get(kind.id) ?? '')}`),
    );
  });

  it('is unique on the page, so GitHub adds no -1 suffix', () => {
    const slugs = headings(doc).map(githubSlug);
    expect(slugs.filter((slug, index) => slugs.indexOf(slug) !== index)).toEqual([]);
  });

  it('throws for an id that has no section', () => {
    expect(() => findingDocsAnchor('AEGIS-SCAN-CSP-999')).toThrow('no scan finding "AEGIS-SCAN-CSP-999": it has no section in docs/scan-findings.md');
  });
});
