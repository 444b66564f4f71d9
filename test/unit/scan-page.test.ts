import { describe, expect, it } from 'vitest';
import { judgePage } from '../../src/scan/run/page.js';

// judgePage: every check that reads the page's one answer, and how their findings are combined.

const URL_ = new URL('https://example.com/');
const STRICT_CSP = "default-src 'self'; script-src 'nonce-q2Vv7yVbS0mYnRk1JtKXcA' 'strict-dynamic'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'";
const BASE: Array<[string, string]> = [
  ['Content-Type', 'text/html; charset=utf-8'],
  ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=()'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Embedder-Policy', 'require-corp'],
];

function judge(headers: Array<[string, string]>, html = '<!doctype html><title>t</title>') {
  return judgePage({ url: URL_, response: { status: 200, headers, body: new TextEncoder().encode(html), truncated: false } }, new Date('2030-01-01T00:00:00Z'));
}
const ids = (headers: Array<[string, string]>, html?: string) => judge(headers, html).findings.map((f) => [f.id, f.evidence]);

describe('judgePage', () => {
  it('finds nothing on a strict page', () => {
    expect(ids([...BASE, ['Content-Security-Policy', `${STRICT_CSP}; frame-ancestors 'none'`]])).toEqual([]);
  });

  it('reports clickjacking once: HDR-005 without X-Frame-Options and frame-ancestors, not also CSP-025', () => {
    expect(ids([...BASE, ['Content-Security-Policy', STRICT_CSP]])).toEqual([['AEGIS-SCAN-HDR-005', 'no X-Frame-Options, no frame-ancestors']]);
  });

  it('reports a page without any policy as CSP-030', () => {
    expect(ids([...BASE, ['X-Frame-Options', 'DENY']])).toEqual([['AEGIS-SCAN-CSP-030', 'no Content-Security-Policy header or <meta> policy']]);
  });

  it('judges a header policy and a <meta> policy together: the meta fills the header gaps', () => {
    const meta = `<!doctype html><meta http-equiv="Content-Security-Policy" content="object-src 'none'; base-uri 'none'"><title>t</title>`;
    expect(ids([...BASE, ['X-Frame-Options', 'DENY'], ['Content-Security-Policy', "script-src 'nonce-q2Vv7yVbS0mYnRk1JtKXcA' 'strict-dynamic'; require-trusted-types-for 'script'"]], meta)).toEqual([]);
  });

  it('hides cookie values in the reported headers, and says the page sets cookies', () => {
    const judged = judge([...BASE, ['X-Frame-Options', 'DENY'], ['Content-Security-Policy', STRICT_CSP], ['Set-Cookie', '__Host-sid=s3cr3t-value; Path=/; Secure; HttpOnly; SameSite=Lax']]);
    expect(judged.setsCookies).toBe(true);
    expect(judged.report.headers.find(([name]) => name === 'Set-Cookie')).toEqual(['Set-Cookie', '__Host-sid=[value hidden]; Path=/; Secure; HttpOnly; SameSite=Lax']);
    expect(JSON.stringify(judged)).not.toContain('s3cr3t-value');
  });
});
