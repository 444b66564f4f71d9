/**
 * The HTML scan report as a string: escaping, the CSP and its style hash, the content per target.
 * What Chromium does with it is in test/integration/scan-report-html.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FINDINGS_DOC_URL, REPORT_CSP, REPORT_CSS, REPORT_STYLE_SOURCE, formatScanHtml } from '../../src/scan/report/html.js';
import { escapeHtml, html, joinHtml, rawTextElementBody } from '../../src/scan/report/html/escape.js';
import { categoryLabel, formatDuration, gradeClass } from '../../src/scan/report/html/format.js';
import { SCAN_CATEGORIES, categoryOf } from '../../src/scan/grade/categories.js';
import type { ScanReport, ScanResult } from '../../src/scan/result.js';
import { FIXTURE_REPORTS, FIXTURE_TOOL, HTTP_ONLY_RESULT, MULTI_TARGET_REPORT, SCANNED_REPORT, SCANNED_RESULT, UNREACHABLE_REPORT, UNREACHABLE_RESULT } from '../helpers/scan-reports.js';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const STYLE_END = '</style>';

/** The text between `<style>` and `</style>`, exactly. */
function styleBody(document: string): string {
  const match = /<style>([\s\S]*?)<\/style>/.exec(document);
  if (!match) throw new Error('no style element');
  return match[1] ?? '';
}

/** The CSP of the document's meta element, entity-decoded (the attribute escapes its quotes). */
function metaCsp(document: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(document);
  if (!match) throw new Error('no CSP meta element');
  return (match[1] ?? '').replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}

/**
 * Every tag of the document with its quoted attribute values emptied. Escaped text never contains
 * `<`, and escaped attribute values never contain `"`, so each match is real markup and what is left
 * in it are element and attribute names (the style element's body has no `<` either).
 */
function tags(document: string): string[] {
  return (document.match(/<[a-zA-Z!/][^>]*>/g) ?? []).map((tag) => tag.replace(/"[^"]*"/g, '""'));
}

/** A scanned result whose server-controlled strings are all hostile. */
function hostileResult(): ScanResult {
  return {
    ...SCANNED_RESULT,
    target: `https://evil.example/${IMG}`,
    error: SCRIPT,
    findings: SCANNED_RESULT.findings.map((finding, i) => ({ ...finding, evidence: [SCRIPT, IMG, STYLE_END][i % 3] ?? '', title: i === 0 ? IMG : finding.title })),
    redirects: [{ url: `http://evil.example/${SCRIPT}`, status: 302, location: IMG, hsts: [STYLE_END] }, { url: 'https://evil.example/', error: SCRIPT }],
    page: { url: `https://evil.example/${STYLE_END}`, status: 200, headers: [['server', SCRIPT], ['x-evil', IMG], ['x-style', STYLE_END]] },
    drift: [{ header: 'server', kind: 'unexpected', served: IMG, detail: SCRIPT }],
    errors: [STYLE_END, SCRIPT],
  };
}

describe('escapeHtml and the html tag', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml(SCRIPT)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(IMG)).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(STYLE_END)).toBe('&lt;/style&gt;');
    expect(escapeHtml('plain text, no change')).toBe('plain text, no change');
  });

  it('escapes every interpolated value, renders arrays item by item and nothing for null/undefined/booleans', () => {
    const value = '<b>';
    expect(html`<p title="${IMG}">${value}</p>`.toString()).toBe('<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;b&gt;</p>');
    expect(html`<ul>${['<a>', html`<li>${'&'}</li>`, 3]}</ul>`.toString()).toBe('<ul>&lt;a&gt;<li>&amp;</li>3</ul>');
    expect(html`${null}${undefined}${false}${true}|`.toString()).toBe('|');
    expect(joinHtml(['<x>', 'y'], html`<br>`).toString()).toBe('&lt;x&gt;<br>y');
  });

  it('takes a raw text element body only when it cannot close the element', () => {
    expect(rawTextElementBody('a > b { }').toString()).toBe('a > b { }');
    expect(() => rawTextElementBody(`x ${STYLE_END}`)).toThrow(/must not contain/);
    expect(() => rawTextElementBody('<!-- x')).toThrow(/must not contain/);
  });

  it('formats durations', () => {
    expect([38, 4210, 125_000].map(formatDuration)).toEqual(['38 ms', '4.2 s', '2 min 5 s']);
  });
});

describe('the CSP and the style hash', () => {
  const document = formatScanHtml(SCANNED_REPORT);

  it('hashes exactly the text of the one style element', () => {
    expect(document.match(/<style/g)).toHaveLength(1);
    expect(styleBody(document)).toBe(REPORT_CSS);
    const hash = createHash('sha256').update(styleBody(document), 'utf8').digest('base64');
    expect(REPORT_STYLE_SOURCE).toBe(`'sha256-${hash}'`);
    expect(/^[\x20-\x7e\n]*$/.test(REPORT_CSS)).toBe(true);
  });

  it('is exactly the documented policy, in a meta element before the style element', () => {
    expect(REPORT_CSP).toBe(`default-src 'none'; style-src ${REPORT_STYLE_SOURCE}; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(metaCsp(document)).toBe(REPORT_CSP);
    expect(document.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(document.indexOf('<style>'));
    expect(document).toContain('<meta name="referrer" content="no-referrer">');
  });

  it.each(Object.entries(FIXTURE_REPORTS))('%s: no script, no style attribute, no loaded resource, links only in-page or to the findings doc', (_name, report) => {
    const out = formatScanHtml(report);
    const all = tags(out);
    expect(all.filter((tag) => /^<(script|img|iframe|object|embed|link|base|form|input|button|audio|video|source|use|image)\b/i.test(tag))).toEqual(['<link rel="" href="">']);
    expect(all.filter((tag) => /\s(style|src|srcset|action|formaction|background|poster|data|xlink:href)=/i.test(tag))).toEqual([]);
    expect(all.filter((tag) => /\son[a-z]+=/i.test(tag))).toEqual([]);
    expect(REPORT_CSS).not.toMatch(/url\(|@import|@font-face/i);
    const hrefs = [...out.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1] ?? '');
    for (const href of hrefs) expect(href === 'data:,' || href.startsWith('#target-') || href.startsWith(`${FINDINGS_DOC_URL}#aegis-scan-`)).toBe(true);
    expect(out.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  });
});

describe('formatScanHtml content', () => {
  it('shows the grade badge, the score, every category and every finding with its doc link', () => {
    const out = formatScanHtml(SCANNED_REPORT);
    const grade = SCANNED_RESULT.grade;
    if (!grade || !SCANNED_RESULT.tls || 'error' in SCANNED_RESULT.tls.certificate) throw new Error('the scanned fixture has a grade and a certificate');
    const letter = grade.overall.grade;
    expect(out).toContain(`<div class="badge ${gradeClass(letter)}" role="img" aria-label="Overall grade ${letter}">${letter}</div>`);
    expect(out).toContain(`Score <strong>${grade.overall.score}</strong> / 100`);
    expect(out.match(/<li class="finding"/g)).toHaveLength(SCANNED_RESULT.findings.length);
    for (const finding of SCANNED_RESULT.findings) expect(out).toContain(`href="${FINDINGS_DOC_URL}#${finding.id.toLowerCase()}"`);
    for (const [category, row] of Object.entries(grade.categories)) {
      expect(out).toContain(`<td class="num">${row.score} / 100</td>\n<td><span class="chip ${gradeClass(row.grade)}">${row.grade}</span></td>`);
      expect(out).toContain(`<th scope="row">${escapeHtml(categoryLabel(category))}</th>`);
    }
    expect(out.match(/<svg class="bar"/g)).toHaveLength(Object.keys(grade.categories).length);
    for (const cap of grade.caps) expect(out).toContain(`<li>Capped at <span class="chip ${gradeClass(cap.grade)}">${cap.grade}</span> by <a class="finding-id" href="${FINDINGS_DOC_URL}#${cap.id.toLowerCase()}"`);
    expect(out).toContain(`<tr><th scope="row">Days left</th><td><span class="warn">${SCANNED_RESULT.tls.certificate.daysLeft} days (renew soon)</span></td></tr>`);
    expect(out).toContain(`<h3>Policy drift (${SCANNED_RESULT.drift?.length})</h3>`);
    expect(out).toContain(`<h3>Probe errors (${SCANNED_RESULT.errors.length})</h3>`);
    // the summary is for several targets only
    expect(out).not.toContain('<h2>Summary</h2>');
  });

  it('writes the date in UTC with a machine-readable datetime, and the duration', () => {
    const out = formatScanHtml({ ...SCANNED_REPORT, results: [{ ...SCANNED_RESULT, startedAt: '2025-03-14T10:26:53+01:00', durationMs: 4210 }] });
    expect(out).toContain('<span>Scanned <time datetime="2025-03-14T09:26:53.000Z">2025-03-14 09:26:53 UTC</time></span><span>in 4.2 s</span>');
  });

  it('lists findings worst first within their category, categories in report order, whatever order they come in', () => {
    const reversed: ScanReport = { ...SCANNED_REPORT, results: [{ ...SCANNED_RESULT, findings: [...SCANNED_RESULT.findings].reverse() }] };
    const shown = [...formatScanHtml(reversed).matchAll(/<li class="finding"[\s\S]*?class="sev sev-(\w+)"[\s\S]*?class="finding-id"[^>]*>([^<]+)</g)].map((m) => ({ id: m[2] ?? '', severity: m[1] ?? '' }));
    const rank = (severity: string) => ['high', 'medium', 'low', 'info'].indexOf(severity);
    const key = (f: { id: string; severity: string }) => SCAN_CATEGORIES.indexOf(categoryOf(f.id)) * 10 + rank(f.severity);
    expect(shown.map((f) => f.id).sort()).toEqual(SCANNED_RESULT.findings.map((f) => f.id).sort());
    for (let i = 1; i < shown.length; i++) expect(key(shown[i - 1] ?? { id: '', severity: '' })).toBeLessThanOrEqual(key(shown[i] ?? { id: '', severity: '' }));
  });

  it('lists the key exchange groups in the TLS section, and says when the list is TLS 1.2 curves, empty or incomplete', () => {
    const tls = SCANNED_RESULT.tls;
    if (tls === undefined) throw new Error('the scanned fixture has a TLS block');
    expect(formatScanHtml(SCANNED_REPORT)).toContain(
      '</table>\n<p class="tls-groups"><strong>Key exchange groups</strong> <span class="muted">(each offered alone over TLSv1.3)</span>: <code>x25519</code>, <code>secp256r1</code>, <code>secp384r1</code></p>\n<table class="certificate">',
    );
    const withGroups = (groups: NonNullable<typeof tls.groups>): string => formatScanHtml({ ...SCANNED_REPORT, results: [{ ...SCANNED_RESULT, tls: { ...tls, groups } }] });
    expect(withGroups({ version: 'TLSv1.2', accepted: [], complete: true })).toContain(
      '<p class="tls-groups"><strong>Key exchange groups</strong> <span class="muted">(each curve offered alone over TLSv1.2 with the ECDHE suites: the server speaks no TLS 1.3)</span>: <span class="muted">none</span></p>',
    );
    expect(withGroups({ version: 'TLSv1.3', accepted: ['x25519'], complete: false, error: 'secp256r1: no answer within 800 ms <b>' })).toContain(
      ': <code>x25519</code> <span class="warn">list incomplete: secp256r1: no answer within 800 ms &lt;b&gt;</span></p>',
    );
    const { groups: _dropped, ...withoutGroups } = tls;
    expect(formatScanHtml({ ...SCANNED_REPORT, results: [{ ...SCANNED_RESULT, tls: withoutGroups }] })).not.toContain('tls-groups');
  });

  it('marks categories that were not scanned, and has no TLS section without a TLS block', () => {
    const out = formatScanHtml({ schemaVersion: '1.0', tool: FIXTURE_TOOL, results: [HTTP_ONLY_RESULT] });
    expect(out).toContain('<tr><th scope="row">TLS</th><td colspan="4" class="not-scanned">not scanned</td></tr>');
    expect(out).not.toContain('<h3>TLS');
    const letter = HTTP_ONLY_RESULT.grade?.overall.grade ?? '';
    expect(out).toContain(`<div class="badge ${gradeClass(letter)}" role="img" aria-label="Overall grade ${letter}">${letter}</div>`);
  });

  it('shows an unreachable target\'s error prominently and no grade', () => {
    const out = formatScanHtml(UNREACHABLE_REPORT);
    expect(out).toContain(`<div class="unreachable">\n<p>Unreachable: this target could not be scanned.</p>\n<p><code>${escapeHtml(UNREACHABLE_RESULT.error ?? '')}</code></p>`);
    expect(out).toContain('<div class="badge g-x" role="img" aria-label="Not graded: unreachable">?</div>');
    expect(out).not.toContain('<h3>Categories</h3>');
  });

  it('puts a summary with one row per target first when there are several', () => {
    const out = formatScanHtml(MULTI_TARGET_REPORT);
    expect(out.indexOf('<h2>Summary</h2>')).toBeLessThan(out.indexOf('id="target-1"'));
    expect(out.match(/<a href="#target-\d">/g)).toHaveLength(3);
    expect(out).toContain('<strong class="bad">unreachable</strong>');
  });

  it('escapes hostile evidence, URLs, header values, drift and errors everywhere', () => {
    const hostile: ScanReport = { schemaVersion: '1.0', tool: { name: 'aegis', version: IMG }, results: [hostileResult(), { ...hostileResult(), outcome: 'unreachable', grade: undefined }] };
    const out = formatScanHtml(hostile);
    expect(out).not.toContain(SCRIPT);
    expect(out).not.toContain('<img');
    expect(tags(out).filter((tag) => /^<(script|img)\b|\son[a-z]+=/i.test(tag))).toEqual([]);
    expect(out.match(/<\/style>/g)).toHaveLength(1);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('&lt;/style&gt;');
    expect(out).toContain('<h2 id="target-1-title">https://evil.example/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</h2>');
  });

  it('does not trust values the types forbid: unknown grades and severities get neutral classes, ids are encoded', () => {
    const odd = {
      ...SCANNED_RESULT,
      grade: { ...SCANNED_RESULT.grade, overall: { grade: '__proto__', score: 5 } },
      findings: [{ ...SCANNED_RESULT.findings[0], id: 'X" onmouseover="alert(1)', severity: 'constructor' }],
    } as unknown as ScanResult;
    const out = formatScanHtml({ ...SCANNED_REPORT, results: [odd] });
    expect(out).toContain('<div class="badge g-x" role="img" aria-label="Overall grade __proto__">__proto__</div>');
    expect(out).toContain('<span class="sev sev-x">constructor</span>');
    expect(out).toContain(`href="${FINDINGS_DOC_URL}#x%22%20onmouseover%3D%22alert(1)"`);
    expect(tags(out).filter((tag) => /\son[a-z]+=/i.test(tag))).toEqual([]);
  });
});
