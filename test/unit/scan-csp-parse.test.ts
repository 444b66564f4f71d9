import { describe, expect, it } from 'vitest';
import { CSP_FINDING_TABLE, parseCsp, parseSerializedCsp, type ParsedCspPolicy } from '../../src/scan/csp/index.js';

// The CSP3 "parse a serialized CSP" algorithm, and the syntax findings the parser reports.

const seen = (policy: ParsedCspPolicy) => policy.findings.map((f) => [f.id, f.evidence]);
const directives = (policy: ParsedCspPolicy) => Object.fromEntries(policy.directives);

describe('parseSerializedCsp', () => {
  it('splits on ";", trims ASCII whitespace, lower-cases names, splits values on ASCII whitespace', () => {
    const policy = parseSerializedCsp("\t Script-SRC  'self'\thttps://CDN.example.com\n\f'nonce-AbC' ;;  object-src 'none'\r; upgrade-insecure-requests ");
    expect(directives(policy)).toEqual({
      'script-src': ["'self'", 'https://CDN.example.com', "'nonce-AbC'"],
      'object-src': ["'none'"],
      'upgrade-insecure-requests': [],
    });
    expect(policy.findings).toEqual([]);
  });

  it('keeps the first occurrence of a directive and reports every later one', () => {
    const policy = parseSerializedCsp("script-src 'self'; SCRIPT-SRC *; script-src 'unsafe-inline'");
    expect(directives(policy)).toEqual({ 'script-src': ["'self'"] });
    expect(seen(policy)).toEqual([
      ['AEGIS-SCAN-CSP-002', 'SCRIPT-SRC *'],
      ['AEGIS-SCAN-CSP-002', "script-src 'unsafe-inline'"],
    ]);
    expect(policy.findings[0]?.fix).toBe('merge these values into the first script-src; browsers ignore every later one.');
    expect(policy.findings[0]?.severity).toBe('low');
  });

  it('reports unknown and retired directives, and keeps them (browsers ignore them)', () => {
    const policy = parseSerializedCsp("scirpt-src 'self'; block-all-mixed-content; webrtc 'block'; report-uri /csp");
    expect(seen(policy)).toEqual([
      ['AEGIS-SCAN-CSP-003', "scirpt-src 'self'"],
      ['AEGIS-SCAN-CSP-004', 'block-all-mixed-content'],
    ]);
    expect(policy.findings[1]?.fix).toBe('remove it; it is obsolete. upgrade-insecure-requests covers mixed content.');
    expect([...policy.directives.keys()]).toEqual(['scirpt-src', 'block-all-mixed-content', 'webrtc', 'report-uri']);
  });

  it('reports an empty source list, but not an empty sandbox or trusted-types', () => {
    const policy = parseSerializedCsp('object-src; base-uri ; sandbox; trusted-types; require-trusted-types-for');
    expect(seen(policy)).toEqual([
      ['AEGIS-SCAN-CSP-006', 'object-src'],
      ['AEGIS-SCAN-CSP-006', 'base-uri'],
      ['AEGIS-SCAN-CSP-006', 'require-trusted-types-for'],
    ]);
    expect(policy.findings[0]?.fix).toBe("write object-src 'none' if nothing is allowed, or list the sources (headers.contentSecurityPolicy.directives.objectSrc).");
    expect(directives(policy)['object-src']).toEqual([]);
  });

  it('reports a value on a flag directive', () => {
    expect(seen(parseSerializedCsp('upgrade-insecure-requests yes'))).toEqual([['AEGIS-SCAN-CSP-007', 'upgrade-insecure-requests yes']]);
  });

  it('reports invalid characters in names (directive dropped) and values (value kept, browsers drop it)', () => {
    const policy = parseSerializedCsp("scr\u00efpt-src 'self'; img-src https://caf\u00e9.example 'self'; style_src x");
    expect(seen(policy)).toEqual([
      ['AEGIS-SCAN-CSP-005', "scr\u00efpt-src 'self'"],
      ['AEGIS-SCAN-CSP-005', 'img-src https://caf\u00e9.example'],
      ['AEGIS-SCAN-CSP-005', 'style_src x'],
    ]);
    expect([...policy.directives.keys()]).toEqual(['img-src']);
  });

  it('lower-cases ASCII letters only: the Kelvin sign does not become "k"', () => {
    const policy = parseSerializedCsp('\u212Aeep-src x');
    expect(seen(policy)).toEqual([
      ['AEGIS-SCAN-CSP-005', '\u212Aeep-src x'],
      ['AEGIS-SCAN-CSP-001', '"\u212Aeep-src x"'],
    ]);
  });

  it('reports keywords, nonces and hashes written without quotes', () => {
    const policy = parseSerializedCsp("script-src self unsafe-inline nonce-abc sha256-xyz 'none'; sandbox allow-scripts");
    expect(seen(policy)).toEqual([
      ['AEGIS-SCAN-CSP-008', 'script-src self'],
      ['AEGIS-SCAN-CSP-008', 'script-src unsafe-inline'],
      ['AEGIS-SCAN-CSP-008', 'script-src nonce-abc'],
      ['AEGIS-SCAN-CSP-008', 'script-src sha256-xyz'],
    ]);
    expect(policy.findings[0]?.fix).toBe("write 'self' in single quotes; unquoted, it is read as a host name.");
  });

  it('reports an empty policy', () => {
    for (const value of ['', '  ', ' ; ;\t']) {
      const policy = parseSerializedCsp(value);
      expect(policy.directives.size).toBe(0);
      expect(seen(policy)).toEqual([['AEGIS-SCAN-CSP-001', JSON.stringify(value)]]);
    }
  });
});

describe('parseCsp', () => {
  it('splits a header value into policies on ","', () => {
    const policies = parseCsp("script-src 'self', object-src 'none'; script-src 'none'");
    expect(policies.map(directives)).toEqual([{ 'script-src': ["'self'"] }, { 'object-src': ["'none'"], 'script-src': ["'none'"] }]);
  });

  it('drops empty policies between commas, unless nothing is left', () => {
    expect(parseCsp("script-src 'self', , ").map(directives)).toEqual([{ 'script-src': ["'self'"] }]);
    expect(parseCsp(' , ').map(seen)).toEqual([[['AEGIS-SCAN-CSP-001', '" "']]]);
  });

  it('reads a <meta> content as one policy: a comma is an invalid character there', () => {
    const [policy, ...rest] = parseCsp("script-src 'self', object-src 'none'", 'meta');
    expect(rest).toEqual([]);
    // …and object-src, read as a source of script-src, is a directive name among the values.
    expect(policy && seen(policy)).toEqual([
      ['AEGIS-SCAN-CSP-005', "script-src 'self',"],
      ['AEGIS-SCAN-CSP-031', 'script-src … object-src'],
    ]);
  });

  it('reports a directive name among the values (a missing semicolon), but not a host that looks like one', () => {
    expect(seen(parseSerializedCsp("script-src 'self' object-src 'none'; base-uri 'none'"))).toEqual([['AEGIS-SCAN-CSP-031', 'script-src … object-src']]);
    expect(seen(parseSerializedCsp("img-src 'self' img-src.example.com"))).toEqual([]);
  });

  it("reports a quoted word that is not a keyword, nonce or hash ('unsafe-inlined')", () => {
    expect(seen(parseSerializedCsp("script-src 'self' 'unsafe-inlined' 'nonce-abc' 'sha256-x' 'report-sample'"))).toEqual([['AEGIS-SCAN-CSP-032', "script-src 'unsafe-inlined'"]]);
  });
});

describe('the finding table', () => {
  it('has unique, consecutive ids and a severity for each', () => {
    const ids = CSP_FINDING_TABLE.map((kind) => kind.id);
    expect(ids).toEqual(ids.map((_, index) => `AEGIS-SCAN-CSP-${String(index + 1).padStart(3, '0')}`));
    for (const kind of CSP_FINDING_TABLE) expect(['high', 'medium', 'low', 'info']).toContain(kind.severity);
  });
});
