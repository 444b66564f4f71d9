import { describe, expect, it } from 'vitest';
import { aegis } from '../../src/core/policy.js';
import { createNonce } from '../../src/headers/nonce.js';
import { evaluateCsp, matchBypassHosts, type CspContext } from '../../src/scan/csp/index.js';

// The evaluator, one check at a time. Each policy is the quiet BASE plus what is under test, and
// every assertion lists *all* findings (id and evidence), so nothing extra slips through.

/** Clean on every check: a policy with this and a good script-src has no findings at all. */
const BASE = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'";
const NONCE = 'rAnd0m+N0nce/0f24chars==';

function found(csp: string, context?: CspContext): Array<[string, string]> {
  return evaluateCsp(csp, context).map((f) => [f.id, f.evidence]);
}

describe('policies as a whole', () => {
  it("finds only information in Aegis' own production CSP", () => {
    const headers = aegis({ env: 'production', quiet: true, hosts: ['example.com'] }).describe().headers;
    const value = headers['content-security-policy']?.replace('{nonce}', createNonce());
    expect(value).toMatch(/^default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; script-src 'nonce-[A-Za-z0-9+/]{24}' 'strict-dynamic'; upgrade-insecure-requests; /);
    const findings = evaluateCsp(value ?? '', { xFrameOptions: headers['x-frame-options'] });
    expect(findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([['AEGIS-SCAN-CSP-026', 'info', 'no require-trusted-types-for']]);
  });

  it('finds the classic weak policy', () => {
    const findings = evaluateCsp("default-src *; script-src 'self' 'unsafe-inline' 'unsafe-eval' https://ajax.googleapis.com");
    expect(findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['AEGIS-SCAN-CSP-011', 'high', "script-src 'unsafe-inline'"],
      ['AEGIS-SCAN-CSP-013', 'medium', "script-src 'unsafe-eval'"],
      ['AEGIS-SCAN-CSP-017', 'high', 'script-src https://ajax.googleapis.com'],
      ['AEGIS-SCAN-CSP-014', 'high', 'default-src *'],
      ['AEGIS-SCAN-CSP-024', 'medium', 'no base-uri'],
      ['AEGIS-SCAN-CSP-025', 'medium', 'no frame-ancestors'],
      ['AEGIS-SCAN-CSP-026', 'info', 'no require-trusted-types-for'],
    ]);
    expect(findings.map((f) => f.fix).slice(0, 4)).toEqual([
      "replace 'unsafe-inline' with a nonce or hashes in headers.contentSecurityPolicy.directives.scriptSrc (Aegis adds a nonce by default).",
      "remove 'unsafe-eval' from headers.contentSecurityPolicy.directives.scriptSrc and stop using eval()/new Function ('wasm-unsafe-eval' covers WebAssembly).",
      "remove https://ajax.googleapis.com from headers.contentSecurityPolicy.directives.scriptSrc (ajax.googleapis.com serves AngularJS); use a nonce with 'strict-dynamic'.",
      `set headers.contentSecurityPolicy.directives.objectSrc to ["'none'"].`,
    ]);
  });

  it('the quiet base with a nonce-based script-src has no findings', () => {
    expect(found(`${BASE}; script-src '${'nonce-' + NONCE}' 'strict-dynamic'`)).toEqual([]);
  });

  it('reports the parser findings first, then the evaluation', () => {
    expect(found(`${BASE}; script-src 'self'; script-src *; foo`)).toEqual([
      ['AEGIS-SCAN-CSP-002', 'script-src *'],
      ['AEGIS-SCAN-CSP-003', 'foo'],
    ]);
  });

  it('an empty policy is missing everything', () => {
    expect(found('')).toEqual([
      ['AEGIS-SCAN-CSP-001', '""'],
      ['AEGIS-SCAN-CSP-010', 'no script-src, no default-src'],
      ['AEGIS-SCAN-CSP-023', 'no object-src, no default-src'],
      ['AEGIS-SCAN-CSP-024', 'no base-uri'],
      ['AEGIS-SCAN-CSP-025', 'no frame-ancestors'],
      ['AEGIS-SCAN-CSP-026', 'no require-trusted-types-for'],
    ]);
  });

  it('judges several policies together: what one lacks another may cover, and one cannot loosen another', () => {
    // Policy 1 alone would give 011, 023, 024, 025, 026; policy 0 covers all of them (a script
    // must pass both, and policy 0 has no 'unsafe-inline').
    const findings = evaluateCsp(`${BASE}; script-src 'self', script-src 'unsafe-inline'`);
    expect(findings.map((f) => [f.id, f.evidence, f.policy])).toEqual([['AEGIS-SCAN-CSP-009', '2 policies', undefined]]);
  });

  it('drops host, scheme and gadget sources that another policy allows no host for', () => {
    const findings = evaluateCsp("script-src https://www.google.com/complete/search http://legacy.example.com; object-src 'none'; base-uri 'none', script-src 'self'");
    // No frame-ancestors and no Trusted Types in either policy: those gaps stay.
    expect(findings.map((f) => f.id)).toEqual(['AEGIS-SCAN-CSP-009', 'AEGIS-SCAN-CSP-025', 'AEGIS-SCAN-CSP-026']);
    // An allowlist in both policies stays: each lets the host through.
    const both = evaluateCsp("script-src https: ; object-src 'none'; base-uri 'none'; frame-ancestors 'none', script-src https:");
    expect(both.map((f) => [f.id, f.evidence, f.policy])).toEqual([
      ['AEGIS-SCAN-CSP-009', '2 policies', undefined],
      ['AEGIS-SCAN-CSP-015', 'script-src https:', 0],
      ['AEGIS-SCAN-CSP-026', 'no require-trusted-types-for', undefined],
      ['AEGIS-SCAN-CSP-015', 'script-src https:', 1],
    ]);
  });

  it("judges script-src-elem and script-src-attr for 'unsafe-inline', base-uri sources, scheme wildcards, bare http: and http:// report-uri", () => {
    const strict = "script-src 'nonce-q2Vv7yVbS0mYnRk1JtKXcA' 'strict-dynamic'; object-src 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'";
    expect(found(`${strict}; base-uri 'none'; script-src-elem 'unsafe-inline'; script-src-attr 'unsafe-inline' 'sha256-abc='`)).toEqual([
      ['AEGIS-SCAN-CSP-011', "script-src-elem 'unsafe-inline'"],
      ['AEGIS-SCAN-CSP-012', "script-src-attr 'unsafe-inline'"],
    ]);
    expect(found(`${strict}; base-uri *`)).toEqual([['AEGIS-SCAN-CSP-014', 'base-uri *']]);
    expect(found(`${strict}; base-uri https:`)).toEqual([['AEGIS-SCAN-CSP-015', 'base-uri https:']]);
    expect(found("script-src https://*; object-src https://*:443; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'")).toEqual([
      ['AEGIS-SCAN-CSP-014', 'script-src https://*'],
      ['AEGIS-SCAN-CSP-014', 'object-src https://*:443'],
    ]);
    expect(found(`${strict}; base-uri 'none'; style-src http:; img-src http: https:; report-uri http://r.example/csp`)).toEqual([
      ['AEGIS-SCAN-CSP-016', 'img-src http:'],
      ['AEGIS-SCAN-CSP-016', 'style-src http:'],
      ['AEGIS-SCAN-CSP-016', 'report-uri http://r.example/csp'],
    ]);
    // A bare http: in the script list is 015 (any http: host serves scripts), not also 016.
    expect(found("script-src http:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'")).toEqual([['AEGIS-SCAN-CSP-015', 'script-src http:']]);
  });

  it('reports a gap of several policies once, without a policy index, and a weakness they all share', () => {
    const findings = evaluateCsp("script-src 'self' 'unsafe-eval', img-src 'self'; script-src 'unsafe-eval' 'self'");
    expect(findings.map((f) => [f.id, f.evidence, f.policy])).toEqual([
      ['AEGIS-SCAN-CSP-009', '2 policies', undefined],
      ['AEGIS-SCAN-CSP-013', "script-src 'unsafe-eval'", 0],
      ['AEGIS-SCAN-CSP-023', 'no object-src, no default-src', undefined],
      ['AEGIS-SCAN-CSP-024', 'no base-uri', undefined],
      ['AEGIS-SCAN-CSP-025', 'no frame-ancestors', undefined],
      ['AEGIS-SCAN-CSP-026', 'no require-trusted-types-for', undefined],
      ['AEGIS-SCAN-CSP-013', "script-src 'unsafe-eval'", 1],
    ]);
  });

  it('report-only enforces nothing', () => {
    expect(found(`${BASE}; script-src 'self'`, { reportOnly: true })).toEqual([['AEGIS-SCAN-CSP-027', 'Content-Security-Policy-Report-Only']]);
  });
});

describe('script-src', () => {
  it('falls back to default-src, and reports the directive actually seen', () => {
    expect(found(`${BASE}; default-src 'self' 'unsafe-inline'`)).toEqual([['AEGIS-SCAN-CSP-011', "default-src 'unsafe-inline'"]]);
    expect(found(`${BASE}; default-src 'unsafe-inline'; script-src 'self'`)).toEqual([]);
  });

  it("'unsafe-inline' without a nonce or hash is high; with one it is ignored by browsers (info)", () => {
    expect(found(`${BASE}; script-src 'self' 'unsafe-inline'`)).toEqual([['AEGIS-SCAN-CSP-011', "script-src 'unsafe-inline'"]]);
    expect(found(`${BASE}; script-src 'self' 'unsafe-inline' 'nonce-${NONCE}'`)).toEqual([['AEGIS-SCAN-CSP-012', "script-src 'unsafe-inline'"]]);
    expect(found(`${BASE}; script-src 'unsafe-inline' 'sha256-B2yPHKaXnvFWtRChIbabYmUBFZdVfKKXHbWtWidDVF8='`)).toEqual([['AEGIS-SCAN-CSP-012', "script-src 'unsafe-inline'"]]);
    expect(evaluateCsp(`${BASE}; script-src 'UNSAFE-INLINE' 'Nonce-${NONCE}'`).map((f) => [f.id, f.severity])).toEqual([['AEGIS-SCAN-CSP-012', 'info']]);
  });

  it("'strict-dynamic' neutralises the allowlist, 'self', schemes and 'unsafe-inline'", () => {
    expect(found(`${BASE}; script-src 'nonce-${NONCE}' 'strict-dynamic' 'unsafe-inline' 'self' https: * https://ajax.googleapis.com`)).toEqual([
      ['AEGIS-SCAN-CSP-012', "script-src 'unsafe-inline'"],
      ['AEGIS-SCAN-CSP-019', "script-src 'self' https: * https://ajax.googleapis.com"],
    ]);
  });

  it("'strict-dynamic' without a nonce or hash loads no script", () => {
    expect(found(`${BASE}; script-src 'strict-dynamic'`)).toEqual([['AEGIS-SCAN-CSP-020', "script-src 'strict-dynamic'"]]);
  });

  it("'unsafe-eval' is medium, 'wasm-unsafe-eval' is fine", () => {
    expect(evaluateCsp(`${BASE}; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'`).map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['AEGIS-SCAN-CSP-013', 'medium', "script-src 'unsafe-eval'"],
    ]);
  });

  it('reports wildcards and plain http:, https:, data: schemes', () => {
    expect(found(`${BASE}; script-src * http: HTTPS: data: blob: 'self'`)).toEqual([
      ['AEGIS-SCAN-CSP-014', 'script-src *'],
      ['AEGIS-SCAN-CSP-015', 'script-src http:'],
      ['AEGIS-SCAN-CSP-015', 'script-src HTTPS:'],
      ['AEGIS-SCAN-CSP-015', 'script-src data:'],
    ]);
  });

  it('reports gadget hosts (with or without scheme, wildcard subdomains) and other hosts separately', () => {
    expect(found(`${BASE}; script-src cdnjs.cloudflare.com https://*.jsdelivr.net https://cdn.example.com www.google.com/complete/ https://www.google.com/recaptcha/`)).toEqual([
      ['AEGIS-SCAN-CSP-017', 'script-src cdnjs.cloudflare.com'],
      ['AEGIS-SCAN-CSP-017', 'script-src https://*.jsdelivr.net'],
      ['AEGIS-SCAN-CSP-017', 'script-src www.google.com/complete/'],
      ['AEGIS-SCAN-CSP-018', 'script-src https://cdn.example.com https://www.google.com/recaptcha/'],
    ]);
  });

  it('reports a missing script-src and default-src', () => {
    expect(found(BASE)).toEqual([['AEGIS-SCAN-CSP-010', 'no script-src, no default-src']]);
  });
});

describe('nonces', () => {
  it('must carry at least 128 bits (22 base64 characters, padding not counted)', () => {
    expect(found(`${BASE}; script-src 'nonce-abc123' 'strict-dynamic'`)).toEqual([['AEGIS-SCAN-CSP-021', "script-src 'nonce-abc123'"]]);
    expect(found(`${BASE}; script-src 'nonce-${'a'.repeat(21)}=='`)).toEqual([['AEGIS-SCAN-CSP-021', `script-src 'nonce-${'a'.repeat(21)}=='`]]);
    expect(found(`${BASE}; script-src 'nonce-${'a'.repeat(22)}'`)).toEqual([]);
  });

  it('must use the base64 (or base64url) charset, in any directive', () => {
    expect(found(`${BASE}; script-src 'nonce-${'a'.repeat(22)}-_'; style-src 'nonce-${'!'.repeat(24)}'`)).toEqual([
      ['AEGIS-SCAN-CSP-022', `style-src 'nonce-${'!'.repeat(24)}'`],
    ]);
  });
});

describe('object-src, base-uri, cleartext', () => {
  it('object-src falls back to default-src; without either it is missing', () => {
    const rest = "base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; script-src 'self'";
    expect(found(rest)).toEqual([['AEGIS-SCAN-CSP-023', 'no object-src, no default-src']]);
    expect(found(`${rest}; default-src 'self'`)).toEqual([]);
    expect(found(`${rest}; default-src data:`)).toEqual([['AEGIS-SCAN-CSP-015', 'default-src data:']]);
    expect(found(`${rest}; object-src *`)).toEqual([['AEGIS-SCAN-CSP-014', 'object-src *']]);
  });

  it('base-uri does not fall back to default-src', () => {
    expect(found("default-src 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'")).toEqual([['AEGIS-SCAN-CSP-024', 'no base-uri']]);
  });

  it('reports http:// sources in any source directive', () => {
    expect(found(`${BASE}; script-src 'self'; img-src http://img.example.com https://ok.example`)).toEqual([['AEGIS-SCAN-CSP-016', 'img-src http://img.example.com']]);
  });
});

describe('framing, Trusted Types, <meta>', () => {
  const noFraming = "object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'; script-src 'self'";

  it('a missing frame-ancestors is covered by X-Frame-Options DENY or SAMEORIGIN only', () => {
    expect(found(noFraming)).toEqual([['AEGIS-SCAN-CSP-025', 'no frame-ancestors']]);
    expect(found(noFraming, { xFrameOptions: ' sameorigin ' })).toEqual([]);
    expect(found(noFraming, { xFrameOptions: 'DENY' })).toEqual([]);
    expect(found(noFraming, { xFrameOptions: 'ALLOW-FROM https://a.example' })).toEqual([['AEGIS-SCAN-CSP-025', 'no frame-ancestors']]);
  });

  it('frame-ancestors * or a plain scheme lets any site frame the page', () => {
    expect(found(`${noFraming}; frame-ancestors 'self' https: *`)).toEqual([['AEGIS-SCAN-CSP-029', 'frame-ancestors https: *']]);
  });

  it("Trusted Types need require-trusted-types-for 'script'", () => {
    expect(evaluateCsp("object-src 'none'; base-uri 'none'; frame-ancestors 'none'; script-src 'self'").map((f) => [f.id, f.severity])).toEqual([['AEGIS-SCAN-CSP-026', 'info']]);
  });

  it('in <meta>, frame-ancestors, report-uri and sandbox are ignored', () => {
    expect(found(`${BASE}; script-src 'self'; report-uri /r; sandbox`, { delivery: 'meta' })).toEqual([
      ['AEGIS-SCAN-CSP-028', "frame-ancestors 'none'"],
      ['AEGIS-SCAN-CSP-028', 'report-uri /r'],
      ['AEGIS-SCAN-CSP-028', 'sandbox'],
      ['AEGIS-SCAN-CSP-025', 'no frame-ancestors'],
    ]);
  });
});

describe('matchBypassHosts', () => {
  it('matches host, scheme and path as CSP does', () => {
    const hosts = (source: string) => matchBypassHosts(source).map((entry) => entry.host);
    expect(hosts('https://ajax.googleapis.com')).toEqual(['ajax.googleapis.com']);
    expect(hosts('https://ajax.googleapis.com/ajax/libs/angularjs/1.0.8/angular.js')).toEqual(['ajax.googleapis.com']);
    expect(hosts('https://ajax.googleapis.com/ajax/libs/jquery/')).toEqual([]);
    expect(hosts('https://ajax.googleapis.com/ajax/')).toEqual(['ajax.googleapis.com']);
    expect(hosts('*.googleapis.com')).toEqual(['ajax.googleapis.com']);
    expect(hosts('http://unpkg.com:443')).toEqual(['unpkg.com']);
    expect(hosts('wss://unpkg.com')).toEqual([]);
    expect(hosts('www.google.com/complete/search')).toEqual(['www.google.com']);
    expect(hosts('www.google.com/complete')).toEqual([]);
    expect(hosts('notajax.googleapis.com.example')).toEqual([]);
    expect(hosts("'self'")).toEqual([]);
    expect(hosts('*')).toEqual([]);
  });
});
