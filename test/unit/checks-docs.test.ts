import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS, type Severity } from '../../src/checks/catalogue.js';

// docs/checks.md is the reference of every finding id: one `## AEGIS-X000: title` section per id,
// in report order, each with a `**Severity:** <severity>.` line and a `**Production guard:** …` one.

/** AEGIS-E000 is not in CHECKS: `aegis check` makes it from an AegisConfigError (src/cli/commands/check.ts). */
const POLICY_INVALID = { id: 'AEGIS-E000', severity: 'error' as Severity, title: 'policy invalid' };
const EXPECTED = [POLICY_INVALID, ...CHECKS.map(({ id, severity, title }) => ({ id, severity, title }))];

const doc = readFileSync(new URL('../../docs/checks.md', import.meta.url), 'utf8');

interface DocSection {
  id: string;
  title: string;
  body: string;
}

/** The `## AEGIS-…` sections of the document, in order. */
function sections(text: string): DocSection[] {
  return text
    .split(/^## /m)
    .slice(1)
    .flatMap((chunk) => {
      const heading = /^(AEGIS-[A-Z]\d{3}): (.+)$/m.exec(chunk.split('\n', 1)[0] ?? '');
      return heading ? [{ id: heading[1] ?? '', title: heading[2] ?? '', body: chunk }] : [];
    });
}

function severityOf(section: DocSection): string | undefined {
  return /\*\*Severity:\*\* (\w+)\./.exec(section.body)?.[1];
}

describe('docs/checks.md', () => {
  const documented = sections(doc);

  it('has one section per finding id, in report order', () => {
    expect(documented.map((s) => s.id)).toEqual(EXPECTED.map((c) => c.id));
  });

  it('mentions no id that the code does not produce', () => {
    const known = new Set(EXPECTED.map((c) => c.id));
    const mentioned = new Set(doc.match(/AEGIS-[A-Z]\d{3}/g) ?? []);
    expect([...mentioned].filter((id) => !known.has(id))).toEqual([]);
  });

  it('gives each id the title the code reports', () => {
    expect(documented.map((s) => `${s.id}: ${s.title}`)).toEqual(EXPECTED.map((c) => `${c.id}: ${c.title}`));
  });

  it("gives each id the code's severity", () => {
    expect(documented.map((s) => `${s.id} ${severityOf(s)}`)).toEqual(EXPECTED.map((c) => `${c.id} ${c.severity}`));
  });

  it('says the production guard refuses on errors and only on errors', () => {
    const guard = (s: DocSection) => /\*\*Production guard:\*\* (refuses to start|does not refuse)/.exec(s.body)?.[1];
    expect(documented.map((s) => `${s.id} ${guard(s)}`)).toEqual(EXPECTED.map((c) => `${c.id} ${c.severity === 'error' ? 'refuses to start' : 'does not refuse'}`));
  });

  it('says what each check detects, why it matters and how to fix it', () => {
    const missing = documented.filter((s) => !['**Detects:**', '**Why it matters:**', '**Fix:**'].every((label) => s.body.includes(label)));
    expect(missing.map((s) => s.id)).toEqual([]);
  });
});
