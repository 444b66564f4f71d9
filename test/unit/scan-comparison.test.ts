import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateContent } from '../../src/scan/content/evaluate.js';
import { evaluateCookies } from '../../src/scan/cookies/index.js';
import { CORS_PROBES, evaluateCors } from '../../src/scan/cors/index.js';
import { evaluateCsp } from '../../src/scan/csp/index.js';
import type { ScanFinding } from '../../src/scan/finding.js';
import { SCAN_FINDING_TABLE } from '../../src/scan/finding-table.js';
import { evaluateHeaders } from '../../src/scan/headers/index.js';
import { judgePage } from '../../src/scan/run/page.js';
import { evaluateHsts, evaluateRedirectChain, type RedirectHop } from '../../src/scan/transport/index.js';

// docs/scan-comparison.md maps the checks of MDN HTTP Observatory and CSP Evaluator to Aegis ids.
// Every row whose verdict starts with "agrees" is run here on small inputs written for it: on an
// input the other tool fails, Aegis must report the ids `present`; on one it passes, none of the ids
// `absent`. The doc and this table are kept in step: every agreeing row has cases, every id of the
// row is asserted by one of them, and every case names a row that exists.

const doc = readFileSync(new URL('../../docs/scan-comparison.md', import.meta.url), 'utf8');

/** One input for one agreeing row: `row` is the row's first cell without backticks. */
interface Case {
  readonly row: string;
  readonly input: string;
  readonly run: () => readonly Pick<ScanFinding, 'id'>[];
  readonly present: readonly string[];
  readonly absent?: readonly string[];
  /** The findings are exactly `present` (rows whose Aegis column is "none"). */
  readonly exact?: boolean;
}

const id = (short: string): string => `AEGIS-SCAN-${short}`;
const ids = (...short: string[]): string[] => short.map(id);

// ---- inputs

/** A policy that restricts objects and `<base>`, so only the directive under test can give findings. */
const TAIL = "; object-src 'none'; base-uri 'none'";
const NONCE = "'nonce-q2Vv7yVbS0mYnRk1JtKXcA'";
const HTTPS_PAGE = new URL('https://example.com/');
const COOKIE_URL = new URL('https://app.example.com/');
const NOW = new Date('2030-01-01T00:00:00Z');

function csp(row: string, policy: string, present: string[], absent: string[] = []): Case {
  return { row, input: policy, run: () => evaluateCsp(policy), present: ids(...present), absent: ids(...absent) };
}

function headers(row: string, list: Array<[string, string]>, present: string[], absent: string[] = [], frameAncestors?: string[]): Case {
  const context = frameAncestors === undefined ? { https: true } : { https: true, frameAncestors };
  return { row, input: JSON.stringify(list), run: () => evaluateHeaders(list, context), present: ids(...present), absent: ids(...absent) };
}

function cookies(row: string, lines: string[], present: string[], options: { https?: boolean; exact?: boolean } = {}): Case {
  const https = options.https ?? true;
  const url = new URL(COOKIE_URL.href.replace('https:', https ? 'https:' : 'http:'));
  return { row, input: lines.join(' | '), run: () => evaluateCookies(lines, { url, https, now: NOW }), present: ids(...present), exact: options.exact ?? false };
}

function hsts(row: string, values: string[], present: string[]): Case {
  return { row, input: values.join(' | ') || '(none)', run: () => evaluateHsts(values, { https: true }), present: ids(...present) };
}

function chain(row: string, hops: RedirectHop[], present: string[], absent: string[] = []): Case {
  return { row, input: hops.map((hop) => hop.url).join(' → '), run: () => evaluateRedirectChain(hops), present: ids(...present), absent: ids(...absent) };
}

function html(row: string, body: string, present: string[], absent: string[] = []): Case {
  return { row, input: body, run: () => evaluateContent(body, { url: HTTPS_PAGE, csp: { allowsInlineHandlers: false } }), present: ids(...present), absent: ids(...absent) };
}

/** The whole page check (headers, HSTS, CSP, cookies, content) on one answer. */
function page(row: string, list: Array<[string, string]>, body: string, present: string[], absent: string[] = []): Case {
  const response = { status: 200, headers: list, body: new TextEncoder().encode(body), truncated: false };
  return { row, input: `${JSON.stringify(list)} ${body}`, run: () => judgePage({ url: HTTPS_PAGE, response }, NOW).findings, present: ids(...present), absent: ids(...absent) };
}

/** Every CORS probe answered with `answer(origin)` as its headers. */
function cors(row: string, answer: (origin: string) => Array<[string, string]>, present: string[], options: { absent?: string[]; exact?: boolean } = {}): Case {
  const results = CORS_PROBES.map((probe) => ({ probe, status: 200, headers: answer(probe.origin) }));
  return { row, input: JSON.stringify(answer('<origin>')), run: () => evaluateCors(results), present: ids(...present), absent: ids(...(options.absent ?? [])), exact: options.exact ?? false };
}

const HTML_PAGE: Array<[string, string]> = [['Content-Type', 'text/html; charset=utf-8']];
const redirect = (url: string, location: string): RedirectHop => ({ url, status: 301, location });
const final = (url: string): RedirectHop => ({ url, status: 200, hsts: ['max-age=63072000; includeSubDomains'] });

// ---- MDN HTTP Observatory

const SRI_PASS = [
  'sri-implemented-and-all-scripts-loaded-securely',
  'sri-implemented-and-external-scripts-loaded-securely',
  'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
  'sri-not-implemented-but-no-scripts-loaded',
  'sri-not-implemented-response-not-html',
].join(', ');
const SAFE_CSP = ['CSP-010', 'CSP-011', 'CSP-013', 'CSP-014', 'CSP-015', 'CSP-016', 'CSP-023'];

const OBSERVATORY: Case[] = [
  page('csp-not-implemented', HTML_PAGE, '<p>hi</p>', ['CSP-030']),
  page('csp-not-implemented-but-reporting-enabled', [...HTML_PAGE, ['Content-Security-Policy-Report-Only', "default-src 'self'"]], '<p>hi</p>', ['CSP-027'], ['CSP-030']),
  csp('csp-implemented-with-unsafe-inline', `script-src 'self' 'unsafe-inline'${TAIL}`, ['CSP-011']),
  csp('csp-implemented-with-unsafe-inline', `script-src 'self' data:${TAIL}`, ['CSP-015']),
  csp('csp-implemented-with-unsafe-inline', "script-src 'self'; object-src https:; base-uri 'none'", ['CSP-015']),
  csp('csp-implemented-with-unsafe-inline', `script-src *${TAIL}`, ['CSP-014']),
  csp('csp-implemented-with-unsafe-inline', `script-src https://*${TAIL}`, ['CSP-014'], ['CSP-018']),
  csp('csp-implemented-with-unsafe-inline', "object-src 'none'; base-uri 'none'", ['CSP-010']),
  csp('csp-implemented-with-unsafe-inline', "script-src 'self'; base-uri 'none'", ['CSP-023']),
  csp('csp-implemented-with-insecure-scheme', `default-src 'self'; connect-src 'self' http://api.example.com${TAIL}`, ['CSP-016']),
  csp('csp-implemented-with-insecure-scheme', `script-src 'self' http://cdn.example.com${TAIL}`, ['CSP-016']),
  csp('csp-implemented-with-insecure-scheme', `script-src 'self'; style-src 'self' http:${TAIL}`, ['CSP-016']),
  csp('csp-implemented-with-unsafe-eval', `script-src 'self' 'unsafe-eval'${TAIL}`, ['CSP-013']),
  csp('csp-implemented-with-unsafe-inline-in-style-src-only', `default-src 'self'; style-src 'self' 'unsafe-inline' data: https:${TAIL}`, [], ['CSP-011', 'CSP-013', 'CSP-014', 'CSP-015', 'CSP-016']),
  csp('csp-implemented-with-no-unsafe, csp-implemented-with-no-unsafe-default-src-none', `default-src 'self'; script-src 'self' https://cdn.example.com${TAIL}`, [], SAFE_CSP),
  csp('csp-implemented-with-no-unsafe, csp-implemented-with-no-unsafe-default-src-none', "default-src 'none'; base-uri 'none'; form-action 'self'", [], SAFE_CSP),

  cookies('cookies-not-found', [], [], { exact: true }),
  cookies('cookies-secure-with-httponly-sessions-and-samesite', ['sessionid=abc; Secure; HttpOnly; SameSite=Lax', 'theme=dark; Secure; SameSite=Strict'], [], { exact: true }),
  cookies('cookies-secure-with-httponly-sessions', ['sessionid=abc; Secure; HttpOnly', 'theme=dark; Secure; SameSite=Lax'], ['COOKIE-015'], { exact: true }),
  cookies('cookies-session-without-secure-flag', ['sessionid=abc; HttpOnly; SameSite=Lax'], ['COOKIE-010']),
  cookies('cookies-session-without-secure-flag', ['sessionid=abc; HttpOnly; SameSite=Lax'], ['COOKIE-012'], { https: false }),
  cookies('cookies-session-without-httponly-flag', ['PHPSESSID=abc; Secure; SameSite=Lax'], ['COOKIE-014']),
  cookies('cookies-without-secure-flag', ['theme=dark; SameSite=Lax'], ['COOKIE-011']),
  cookies('cookies-samesite-flag-invalid', ['theme=dark; Secure; SameSite=Relaxed'], ['COOKIE-016']),
  cookies('cookies-samesite-flag-invalid', ['theme=dark; Secure; SameSite'], ['COOKIE-016']),
  cookies('cookies-samesite-flag-invalid', ['widget=1; SameSite=None'], ['COOKIE-017']),

  cors('cross-origin-resource-sharing-not-implemented', () => [], [], { exact: true }),
  cors('cross-origin-resource-sharing-implemented-with-public-access', () => [['Access-Control-Allow-Origin', '*']], [], { absent: ['CORS-001', 'CORS-002', 'CORS-003'] }),
  cors('cross-origin-resource-sharing-implemented-with-universal-access', (origin) => [['Access-Control-Allow-Origin', origin], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']], ['CORS-001']),

  chain('redirection-to-https', [redirect('http://example.com/', 'https://example.com/'), final('https://example.com/')], [], ['TRANSPORT-010', 'TRANSPORT-011', 'TRANSPORT-012', 'TRANSPORT-013']),
  chain('redirection-not-needed-no-http', [{ url: 'http://example.com/', error: 'connect ECONNREFUSED' }], ['TRANSPORT-017']),
  chain('redirection-missing', [{ url: 'http://example.com/', status: 200 }], ['TRANSPORT-010']),
  chain('redirection-not-to-https-on-initial-redirection', [redirect('http://example.com/', 'http://example.com/home'), redirect('http://example.com/home', 'https://example.com/home'), final('https://example.com/home')], ['TRANSPORT-011'], ['TRANSPORT-010']),
  chain('redirection-off-host-from-http', [redirect('http://example.com/', 'https://www.example.com/'), final('https://www.example.com/')], ['TRANSPORT-012'], ['TRANSPORT-010', 'TRANSPORT-011']),

  ...['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].map((policy) =>
    headers('referrer-policy-private', [['Referrer-Policy', policy]], [], ['HDR-011', 'HDR-012', 'HDR-013', 'HDR-014']),
  ),
  headers('referrer-policy-private', [['Referrer-Policy', 'unsafe-url, strict-origin-when-cross-origin']], [], ['HDR-011', 'HDR-012', 'HDR-013', 'HDR-014']),
  headers('referrer-policy-not-implemented', [], ['HDR-011']),
  headers('referrer-policy-unsafe', [['Referrer-Policy', 'unsafe-url']], ['HDR-012']),
  headers('referrer-policy-unsafe', [['Referrer-Policy', 'no-referrer-when-downgrade']], ['HDR-012']),
  headers('referrer-policy-unsafe', [['Referrer-Policy', 'origin']], ['HDR-013']),
  headers('referrer-policy-unsafe', [['Referrer-Policy', 'origin-when-cross-origin']], ['HDR-013']),
  headers('referrer-policy-header-invalid', [['Referrer-Policy', 'strict']], ['HDR-014']),

  hsts('hsts-not-implemented', [], ['TRANSPORT-001']),
  hsts('hsts-header-invalid', ['includeSubDomains'], ['TRANSPORT-003']),
  hsts('hsts-header-invalid', ['max-age=31536000, max-age=31536000'], ['TRANSPORT-003']),
  hsts('hsts-implemented-max-age-less-than-six-months', ['max-age=86400; includeSubDomains'], ['TRANSPORT-006']),
  hsts('hsts-implemented-max-age-less-than-six-months', ['max-age=0'], ['TRANSPORT-005']),

  html(SRI_PASS, '<script src="/app.js"></script>', [], ['CONTENT-001', 'CONTENT-003', 'CONTENT-004']),
  html(SRI_PASS, '<script src="https://cdn.other.example/lib.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC" crossorigin="anonymous"></script>', [], ['CONTENT-001', 'CONTENT-003', 'CONTENT-004']),
  html(SRI_PASS, '<p>no scripts</p>', [], ['CONTENT-001', 'CONTENT-003', 'CONTENT-004']),
  page(SRI_PASS, [['Content-Type', 'application/json']], '{"html":"<script src=https://cdn.other.example/a.js></script>"}', [], ['CONTENT-001', 'CONTENT-003', 'CONTENT-004']),
  html('sri-not-implemented-but-external-scripts-loaded-securely', '<script src="https://cdn.other.example/lib.js"></script>', ['CONTENT-003']),
  html('sri-not-implemented-and-external-scripts-not-loaded-securely', '<script src="http://cdn.other.example/lib.js"></script>', ['CONTENT-001']),
  html('sri-implemented-but-external-scripts-not-loaded-securely', '<script src="http://cdn.other.example/lib.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC" crossorigin="anonymous"></script>', ['CONTENT-001']),

  headers('x-content-type-options-nosniff', [['X-Content-Type-Options', 'nosniff']], [], ['HDR-001', 'HDR-002']),
  headers('x-content-type-options-nosniff', [['X-Content-Type-Options', 'NOSNIFF']], [], ['HDR-001', 'HDR-002']),
  headers('x-content-type-options-not-implemented', [], ['HDR-001']),
  headers('x-content-type-options-header-invalid', [['X-Content-Type-Options', 'no-sniff']], ['HDR-002']),

  headers('x-frame-options-implemented-via-csp', [], [], ['HDR-005', 'HDR-006', 'HDR-007'], ["'none'"]),
  headers('x-frame-options-implemented-via-csp', [], [], ['HDR-005', 'HDR-006', 'HDR-007'], ["'self'", 'https://partner.example.com']),
  headers('x-frame-options-sameorigin-or-deny', [['X-Frame-Options', 'DENY']], [], ['HDR-005', 'HDR-006', 'HDR-007', 'HDR-008']),
  headers('x-frame-options-sameorigin-or-deny', [['X-Frame-Options', 'sameorigin']], [], ['HDR-005', 'HDR-006', 'HDR-007', 'HDR-008']),
  headers('x-frame-options-not-implemented', [], ['HDR-005']),
  headers('x-frame-options-header-invalid', [['X-Frame-Options', 'SAMEORIGINS']], ['HDR-006']),

  headers('corp-not-implemented', [], ['HDR-025']),
  headers('corp-implemented-with-same-origin, corp-implemented-with-same-site', [['Cross-Origin-Resource-Policy', 'same-origin']], [], ['HDR-025', 'HDR-026', 'HDR-027']),
  headers('corp-implemented-with-same-origin, corp-implemented-with-same-site', [['Cross-Origin-Resource-Policy', 'same-site']], [], ['HDR-025', 'HDR-026', 'HDR-027']),
  headers('corp-implemented-with-cross-origin', [['Cross-Origin-Resource-Policy', 'cross-origin']], ['HDR-026']),
  headers('corp-header-invalid', [['Cross-Origin-Resource-Policy', 'same-host']], ['HDR-027']),
];

// ---- CSP Evaluator

const CSP_EVALUATOR: Case[] = [
  csp('UNKNOWN_DIRECTIVE', `script-src 'self'; script-scr 'self'${TAIL}`, ['CSP-003']),
  csp('UNKNOWN_DIRECTIVE', `script-src: 'self'${TAIL}`, ['CSP-005']),
  csp('INVALID_KEYWORD', `script-src self${TAIL}`, ['CSP-008']),
  csp('INVALID_KEYWORD', `script-src 'self' unsafe-inline${TAIL}`, ['CSP-008'], ['CSP-011']),
  csp('INVALID_KEYWORD', `script-src nonce-q2Vv7yVbS0mYnRk1JtKXcA${TAIL}`, ['CSP-008']),
  csp('MISSING_DIRECTIVES (script-src)', "object-src 'none'; base-uri 'none'", ['CSP-010']),
  csp('MISSING_DIRECTIVES (object-src)', "script-src 'self'; base-uri 'none'", ['CSP-023']),
  csp('MISSING_DIRECTIVES (base-uri)', `script-src ${NONCE} 'strict-dynamic'; object-src 'none'`, ['CSP-024']),
  csp('SCRIPT_UNSAFE_INLINE', `script-src 'self' 'unsafe-inline'${TAIL}`, ['CSP-011']),
  csp('INVALID_KEYWORD', `script-src 'self' 'unsafe-inlined'${TAIL}`, ['CSP-032']),
  csp('MISSING_SEMICOLON', "script-src 'self' object-src 'none'; base-uri 'none'", ['CSP-031']),
  csp('SCRIPT_UNSAFE_INLINE', `default-src 'self' 'unsafe-inline'; base-uri 'none'`, ['CSP-011']),
  csp('SCRIPT_UNSAFE_INLINE', `script-src ${NONCE}; script-src-elem 'self' 'unsafe-inline'${TAIL}`, ['CSP-011']),
  csp('SCRIPT_UNSAFE_EVAL', `script-src 'self' 'unsafe-eval'${TAIL}`, ['CSP-013']),
  csp('SCRIPT_UNSAFE_EVAL', `script-src ${NONCE} 'strict-dynamic' 'unsafe-eval'${TAIL}`, ['CSP-013']),
  csp('PLAIN_URL_SCHEMES', `script-src https:${TAIL}`, ['CSP-015']),
  csp('PLAIN_URL_SCHEMES', `script-src 'self' data:${TAIL}`, ['CSP-015']),
  csp('PLAIN_URL_SCHEMES', "script-src 'self'; object-src http:; base-uri 'none'", ['CSP-015']),
  csp('PLAIN_URL_SCHEMES', "script-src 'self'; object-src 'none'; base-uri https:", ['CSP-015']),
  csp('PLAIN_WILDCARD', `script-src *${TAIL}`, ['CSP-014']),
  csp('PLAIN_WILDCARD', "script-src 'self'; object-src *; base-uri 'none'", ['CSP-014']),
  csp('PLAIN_WILDCARD', "default-src *; base-uri 'none'", ['CSP-014']),
  csp('PLAIN_WILDCARD', "script-src 'self'; object-src 'none'; base-uri *", ['CSP-014']),
  csp('PLAIN_WILDCARD', "script-src 'self'; object-src https://*; base-uri 'none'", ['CSP-014']),
  ...['https://ajax.googleapis.com', 'https://www.google.com', 'cdnjs.cloudflare.com', 'https://cdn.jsdelivr.net'].map((host) =>
    csp('SCRIPT_ALLOWLIST_BYPASS (HIGH)', `script-src 'self' ${host}${TAIL}`, ['CSP-017']),
  ),
  csp('STRICT_DYNAMIC', `script-src 'self' https://cdn.example.com${TAIL}`, ['CSP-018']),
  csp('STRICT_DYNAMIC_NOT_STANDALONE', `script-src 'strict-dynamic'${TAIL}`, ['CSP-020']),
  csp('IGNORED', `script-src ${NONCE} 'unsafe-inline'${TAIL}`, ['CSP-012'], ['CSP-011']),
  csp('IGNORED', `script-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' 'unsafe-inline'${TAIL}`, ['CSP-012'], ['CSP-011']),
  csp('IGNORED', `script-src ${NONCE} 'strict-dynamic' 'self' https: https://cdn.example.com${TAIL}`, ['CSP-019'], ['CSP-015', 'CSP-018']),
  csp('NONCE_LENGTH', `script-src 'nonce-abc123'${TAIL}`, ['CSP-021']),
  csp('NONCE_CHARSET', `script-src 'nonce-q2Vv7yVb$0mYnRk1JtKXcA'${TAIL}`, ['CSP-022']),
  csp('SRC_HTTP', `script-src 'self'; img-src 'self' http://img.example.com${TAIL}`, ['CSP-016']),
  csp('SRC_HTTP', `script-src 'self' http://cdn.example.com${TAIL}`, ['CSP-016']),
  csp('SRC_HTTP', `script-src 'self'; report-uri http://reports.example.com/csp${TAIL}`, ['CSP-016']),
  csp('DEPRECATED_DIRECTIVE', `script-src 'self'; referrer no-referrer${TAIL}`, ['CSP-004']),
  csp('DEPRECATED_DIRECTIVE', `script-src 'self'; disown-opener${TAIL}`, ['CSP-004']),
  csp('DEPRECATED_DIRECTIVE', `script-src 'self'; reflected-xss block${TAIL}`, ['CSP-004'], ['CSP-003']),
  csp('REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS', `script-src 'self'${TAIL}`, ['CSP-026']),
  csp('REQUIRE_TRUSTED_TYPES_FOR_SCRIPTS', `script-src 'self'; require-trusted-types-for 'script'${TAIL}`, [], ['CSP-026']),
];

// ---- the document

interface AgreeingRow {
  readonly key: string;
  readonly ids: ReadonlySet<string>;
}

/** The text of a `## ` section of the document, up to the next one. */
function section(heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/scan-comparison.md has no "## ${heading}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** The table rows of a section whose verdict (last cell) starts with "agrees". */
function agreeingRows(heading: string): AgreeingRow[] {
  return section(heading)
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    .filter((cells) => cells.at(-1)?.startsWith('agrees') === true)
    .map((cells) => ({ key: (cells[0] ?? '').replace(/`/g, ''), ids: new Set((cells.at(-2) ?? '').match(/AEGIS-SCAN-[A-Z]+-\d{3}/g) ?? []) }));
}

function checkCase(c: Case): void {
  const found = new Set(c.run().map((f) => f.id));
  if (c.exact) expect([...found].sort(), c.input).toEqual([...c.present].sort());
  for (const wanted of c.present) expect(found.has(wanted), `${c.input} should give ${wanted}; gave ${[...found].join(', ') || 'nothing'}`).toBe(true);
  for (const unwanted of c.absent ?? []) expect(found.has(unwanted), `${c.input} should not give ${unwanted}`).toBe(false);
}

function checkCoverage(heading: string, cases: readonly Case[]): void {
  const rows = agreeingRows(heading);
  expect(rows.length).toBeGreaterThan(10);
  for (const row of rows) {
    const mine = cases.filter((c) => c.row === row.key);
    expect(mine.length, `no case for the agreeing row "${row.key}"`).toBeGreaterThan(0);
    const asserted = new Set(mine.flatMap((c) => [...c.present, ...(c.absent ?? [])]));
    for (const wanted of row.ids) expect(asserted.has(wanted), `row "${row.key}" names ${wanted}, which no case asserts`).toBe(true);
    for (const c of mine) for (const wanted of c.present) expect(row.ids.has(wanted), `case "${c.input}" expects ${wanted}, not in row "${row.key}"`).toBe(true);
  }
  const keys = new Set(rows.map((row) => row.key));
  for (const c of cases) expect(keys.has(c.row), `case "${c.input}" names "${c.row}", which is no agreeing row`).toBe(true);
}

describe('docs/scan-comparison.md: MDN HTTP Observatory', () => {
  it('has a case for every agreeing row, and every case names one', () => checkCoverage('MDN HTTP Observatory', OBSERVATORY));
  it.each(OBSERVATORY.map((c) => [c.row, c.input, c] as const))('%s: %s', (_row, _input, c) => checkCase(c));
});

describe('docs/scan-comparison.md: CSP Evaluator', () => {
  it('has a case for every agreeing row, and every case names one', () => checkCoverage('CSP Evaluator', CSP_EVALUATOR));
  it.each(CSP_EVALUATOR.map((c) => [c.row, c.input, c] as const))('%s: %s', (_row, _input, c) => checkCase(c));
});

describe('docs/scan-comparison.md: references', () => {
  const known = new Set(SCAN_FINDING_TABLE.map((kind) => kind.id));

  it('names only finding ids that exist, in full or short form', () => {
    const full = doc.match(/AEGIS-SCAN-[A-Z]+-\d{3}/g) ?? [];
    const short = (doc.match(/\b(?:TLS|TRANSPORT|HDR|CSP|COOKIE|CORS|CONTENT|EXPOSE)-\d{3}\b/g) ?? []).map(id);
    expect(full.length).toBeGreaterThan(100);
    expect([...new Set([...full, ...short])].filter((name) => !known.has(name))).toEqual([]);
  });

  it('defines every deliberate difference it cites, in order, and cites every one it defines', () => {
    const defined = [...doc.matchAll(/^- \*\*D(\d+)\. /gm)].map((match) => Number(match[1]));
    expect(defined).toEqual(defined.map((_, index) => index + 1));
    const body = doc.slice(0, doc.indexOf('\n## Deliberate differences\n'));
    const cited = new Set([...body.matchAll(/\bD(\d+)\b/g)].map((match) => Number(match[1])));
    expect([...cited].filter((n) => !defined.includes(n))).toEqual([]);
    expect(defined.filter((n) => !cited.has(n))).toEqual([]);
  });
});
