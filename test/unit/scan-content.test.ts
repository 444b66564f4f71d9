import { describe, expect, it } from 'vitest';
import {
  CONTENT_FINDING_TABLE,
  contentCspFacts,
  contentCspFactsFromHeader,
  evaluateContent,
  extractContent,
} from '../../src/scan/content/index.js';
import { parseCsp } from '../../src/scan/csp/index.js';

const HTTPS = new URL('https://example.com/shop/page.html');
const HTTP = new URL('http://example.com/shop/page.html');
const STRICT = contentCspFactsFromHeader("default-src 'self'; script-src 'nonce-abc123abc123abc123abc123'");

const ids = (html: string, url = HTTPS, csp = STRICT) => evaluateContent(html, { url, csp }).map((f) => [f.id, f.evidence]);

/** The demo's pages as the demo renders them (examples/demo/pages.js is untyped JS): a nonce'd inline script, a same-origin stylesheet. */
function demoPage(script: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Aegis demo</title>
<link rel="stylesheet" href="/style.css"></head><body><h1>Aegis demo</h1>
<p id="script-result" class="result">If you can read this, the inline script did not run.</p>
<ul><li><a href="/api/status"><code>/api/status</code></a></li><li><a href="/blocked">/blocked</a></li></ul>
${script}</body></html>`;
}

describe('the finding table', () => {
  it('has stable, unique ids in order', () => {
    expect(CONTENT_FINDING_TABLE.map((k) => `${k.id} ${k.severity}`)).toEqual([
      'AEGIS-SCAN-CONTENT-001 high',
      'AEGIS-SCAN-CONTENT-002 low',
      'AEGIS-SCAN-CONTENT-003 medium',
      'AEGIS-SCAN-CONTENT-004 medium',
      'AEGIS-SCAN-CONTENT-005 info',
      'AEGIS-SCAN-CONTENT-006 medium',
      'AEGIS-SCAN-CONTENT-007 info',
      'AEGIS-SCAN-CONTENT-008 high',
      'AEGIS-SCAN-CONTENT-009 low',
      'AEGIS-SCAN-CONTENT-010 medium',
    ]);
  });
});

describe('the demo pages', () => {
  it('home (nonce script) and blocked (script without nonce) have no findings', () => {
    const home = demoPage('<script nonce="abc123abc123abc123abc123">document.title = "x";</script>');
    const blocked = demoPage('<script>document.title = "x";</script>');
    for (const url of [HTTPS, new URL('http://localhost:3000/')]) {
      expect(evaluateContent(home, { url, csp: STRICT })).toEqual([]);
      expect(evaluateContent(blocked, { url, csp: STRICT })).toEqual([]);
      expect(evaluateContent(home, { url })).toEqual([]);
    }
  });
});

describe('mixed content', () => {
  it('reports active loads over http: on an https page as 001 (high)', () => {
    expect(
      ids(`<script src="http://cdn.example/a.js"></script><link rel="Preload StyleSheet" href="http://cdn.example/a.css">
<iframe src="http://w.example/"></iframe><object data="http://p.example/x.swf"></object><embed src="http://p.example/e">`),
    ).toEqual([
      ['AEGIS-SCAN-CONTENT-001', '<script src="http://cdn.example/a.js">'],
      ['AEGIS-SCAN-CONTENT-001', '<link href="http://cdn.example/a.css">'],
      ['AEGIS-SCAN-CONTENT-001', '<iframe src="http://w.example/">'],
      ['AEGIS-SCAN-CONTENT-001', '<object data="http://p.example/x.swf">'],
      ['AEGIS-SCAN-CONTENT-001', '<embed src="http://p.example/e">'],
    ]);
  });

  it('reports images and media over http: as 002 (low), srcset candidates one by one', () => {
    expect(
      ids(`<img src="http://i.example/a.png" srcset="/b.png 2x, http://i.example/c.png 3x">
<video poster="http://v.example/p.jpg"><source src="http://v.example/v.mp4"></video><audio src="https://a.example/a.mp3"></audio>`),
    ).toEqual([
      ['AEGIS-SCAN-CONTENT-002', '<img src="http://i.example/a.png">'],
      ['AEGIS-SCAN-CONTENT-002', '<img srcset="http://i.example/c.png">'],
      ['AEGIS-SCAN-CONTENT-002', '<video poster="http://v.example/p.jpg">'],
      ['AEGIS-SCAN-CONTENT-002', '<source src="http://v.example/v.mp4">'],
    ]);
  });

  it('resolves protocol-relative URLs against the page scheme', () => {
    const html = '<script src="//cdn.example/a.js" integrity="sha384-abc" crossorigin="anonymous"></script><img src="//i.example/a.png">';
    expect(ids(html, HTTPS)).toEqual([]);
    expect(ids(html, HTTP)).toEqual([]);
  });

  it('finds nothing mixed on an http page, for relative or absolute http: URLs', () => {
    expect(ids('<script src="app.js"></script><script src="http://example.com/b.js"></script><img src="../i.png">', HTTP)).toEqual([]);
  });

  it('does not count http://localhost and loopback as mixed content', () => {
    expect(ids('<script src="http://localhost:5173/@vite/client" integrity="sha256-x" crossorigin></script><img src="http://127.0.0.1/a.png">')).toEqual([]);
  });

  it('reports none under upgrade-insecure-requests (header or meta): the browser fetches them over https:', () => {
    const page = '<script src="http://cdn.example/a.js" integrity="sha384-x" crossorigin></script><img src="http://cdn.example/i.png">';
    const upgrading = contentCspFactsFromHeader("default-src 'self'; upgrade-insecure-requests");
    expect(upgrading.upgradesInsecureRequests).toBe(true);
    expect(ids(page, HTTPS, upgrading)).toEqual([]);
    expect(ids(`<meta http-equiv="Content-Security-Policy" content="upgrade-insecure-requests">${page}`)).toEqual([]);
    // Upgraded, the cross-origin script still needs integrity.
    expect(ids('<script src="http://cdn.example/b.js"></script>', HTTPS, upgrading)).toEqual([['AEGIS-SCAN-CONTENT-003', '<script src="http://cdn.example/b.js">']]);
    expect(ids(page)).toEqual([
      ['AEGIS-SCAN-CONTENT-001', '<script src="http://cdn.example/a.js">'],
      ['AEGIS-SCAN-CONTENT-002', '<img src="http://cdn.example/i.png">'],
    ]);
  });

  it('skips non-script types and ignores URLs that do not parse', () => {
    expect(ids('<script type="text/template" src="http://t.example/x"></script><img src="http://[bad">')).toEqual([]);
  });
});

describe('Subresource Integrity', () => {
  it('asks cross-origin scripts and stylesheets for integrity (003), not same-origin ones', () => {
    expect(ids('<script src="https://cdn.example/a.js"></script><link rel="stylesheet" href="https://cdn.example/a.css"><script src="/own.js"></script><script src="https://example.com/abs.js"></script>')).toEqual([
      ['AEGIS-SCAN-CONTENT-003', '<script src="https://cdn.example/a.js">'],
      ['AEGIS-SCAN-CONTENT-003', '<link href="https://cdn.example/a.css">'],
    ]);
  });

  it('reports integrity with only unsupported algorithms (004), accepts one supported among others', () => {
    expect(
      ids(`<script src="https://cdn.example/a.js" integrity="sha1-AAAA md5-BBBB" crossorigin="anonymous"></script>
<script src="https://cdn.example/b.js" integrity="md5-BBBB sha512-CCCC" crossorigin="anonymous"></script>`),
    ).toEqual([['AEGIS-SCAN-CONTENT-004', '<script src="https://cdn.example/a.js"> integrity="sha1-AAAA md5-BBBB"']]);
  });

  it('notes integrity without crossorigin (005, info)', () => {
    expect(ids('<script src="https://cdn.example/a.js" integrity="sha384-AAAA"></script>')).toEqual([
      ['AEGIS-SCAN-CONTENT-005', '<script src="https://cdn.example/a.js">'],
    ]);
  });

  it('shows the resolved URL when it differs from what is written', () => {
    expect(ids('<script src="//cdn.example/a.js"></script>')).toEqual([['AEGIS-SCAN-CONTENT-003', '<script src="//cdn.example/a.js"> → https://cdn.example/a.js']]);
  });
});

describe('inline event handlers', () => {
  const page = '<button onclick="buy()">Buy</button><img src="/a.png" onerror="x()" ONLOAD="y()"><body onload="z()"><svg onload="w()"></svg>';

  it('are 006 (medium) without a CSP, and 007 (info) under a CSP that blocks them', () => {
    // parse5 moves the stray <body onload> onto the body element, which comes first in tree order.
    const evidence = '5 inline event handlers: <body onload="z()">, <button onclick="buy()">, <img onerror="x()"> and 2 more';
    expect(ids(page, HTTPS, contentCspFactsFromHeader(undefined))).toEqual([['AEGIS-SCAN-CONTENT-006', evidence]]);
    expect(ids(page)).toEqual([['AEGIS-SCAN-CONTENT-007', evidence]]);
  });

  it('counts a blocking <meta> CSP in the page', () => {
    const html = `<meta http-equiv="content-security-policy" content="script-src 'self'"><a onclick="go()">x</a>`;
    expect(evaluateContent(html, { url: HTTPS }).map((f) => f.id)).toEqual(['AEGIS-SCAN-CONTENT-007']);
  });

  it('follows the documented rule for the CSP facts', () => {
    const allows = (header: string) => contentCspFacts(parseCsp(header)).allowsInlineHandlers;
    expect(allows("script-src 'self' 'unsafe-inline'")).toBe(true);
    expect(allows("default-src 'unsafe-inline'")).toBe(true);
    expect(allows("img-src 'self'")).toBe(true);
    expect(allows("script-src 'self'")).toBe(false);
    expect(allows("script-src 'unsafe-inline' 'nonce-abc'")).toBe(false);
    expect(allows("script-src 'unsafe-inline' 'sha256-abc'")).toBe(false);
    expect(allows("script-src 'unsafe-inline' 'strict-dynamic'")).toBe(false);
    expect(allows("script-src 'nonce-abc'; script-src-attr 'unsafe-inline'")).toBe(true);
    expect(allows("script-src 'unsafe-inline'; script-src-attr 'unsafe-hashes' 'sha256-abc'")).toBe(false);
    expect(allows("script-src 'unsafe-inline', script-src 'self'")).toBe(false);
  });
});

describe('forms', () => {
  it('reports http: actions on https pages (008) and other origins (009)', () => {
    expect(
      ids(`<form action="http://example.com/login"></form><form action="https://pay.example/charge"></form><form action="/ok"></form><form></form>
<form action="javascript:void 0"></form><form action="mailto:a@example.com"></form><form><button formaction="http://other.example/x">go</button></form>`),
    ).toEqual([
      ['AEGIS-SCAN-CONTENT-008', '<form action="http://example.com/login">'],
      ['AEGIS-SCAN-CONTENT-009', '<form action="https://pay.example/charge">'],
      ['AEGIS-SCAN-CONTENT-008', '<button formaction="http://other.example/x">'],
    ]);
  });

  it('on an http page, only another origin counts', () => {
    expect(ids('<form action="http://example.com/a"></form><form action="//other.example/b"></form>', HTTP)).toEqual([
      ['AEGIS-SCAN-CONTENT-009', '<form action="//other.example/b"> → http://other.example/b'],
    ]);
  });
});

describe('<base>', () => {
  it('reports a cross-origin base (010) and resolves every relative URL against it', () => {
    expect(ids('<script src="a.js"></script><base href="https://evil.example/"><base href="/ignored/">')).toEqual([
      ['AEGIS-SCAN-CONTENT-003', '<script src="a.js"> → https://evil.example/a.js'],
      ['AEGIS-SCAN-CONTENT-010', '<base href="https://evil.example/">'],
    ]);
  });

  it('an http: base on an https page makes relative scripts active mixed content', () => {
    expect(ids('<base href="http://example.com/"><script src="a.js"></script>')).toEqual([
      ['AEGIS-SCAN-CONTENT-001', '<script src="a.js"> → http://example.com/a.js'],
      ['AEGIS-SCAN-CONTENT-010', '<base href="http://example.com/">'],
    ]);
  });

  it('a same-origin base is fine; an empty action still goes to the page URL', () => {
    const content = extractContent('<base href="/static/"><form></form><img src="x.png">', HTTPS);
    expect(content.baseUrl.href).toBe('https://example.com/static/');
    expect(content.forms[0]?.url?.href).toBe(HTTPS.href);
    expect(content.media[0]?.url?.href).toBe('https://example.com/static/x.png');
    expect(ids('<base href="/static/"><form></form>')).toEqual([]);
  });
});

describe('malformed input never throws', () => {
  it('handles unclosed tags, binary garbage, deep nesting and non-strings', () => {
    const garbage = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 65536));
    const inputs: unknown[] = [
      '<script src="http://x.example/a.js"',
      '<form action="http://x.example/"><input formaction=><img src="http://i.example/a.png"',
      garbage,
      '\u0000<\u0000script src=\u0000>',
      '<div>'.repeat(5_000) + '<a onclick="x()">',
      '',
      undefined,
      null,
      42,
    ];
    for (const input of inputs) {
      expect(() => evaluateContent(input as string, { url: HTTPS })).not.toThrow();
    }
    expect(ids('<form action="http://x.example/"><img src="http://i.example/a.png"')).toEqual([
      ['AEGIS-SCAN-CONTENT-008', '<form action="http://x.example/">'],
    ]);
  });
});
