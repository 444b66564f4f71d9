import { describe, expect, it } from 'vitest';
import {
  EXPOSURE_FINDING_TABLE,
  EXPOSURE_PATHS,
  evaluateExposure,
  evaluateHostReflection,
  evaluateSecurityTxt,
  evaluateSourceMap,
  evaluateTrace,
  findSourceMaps,
  FOREIGN_HOST,
  parseSecurityTxt,
  type FetchedResponse,
} from '../../src/scan/exposures/index.js';
import type { ScanFinding } from '../../src/scan/finding.js';

// The exposure checks over fetched responses. Every assertion lists *all* findings (id and
// evidence), so nothing extra slips through.

const NOW = new Date('2026-01-01T00:00:00Z');
const SOFT_404: FetchedResponse = { status: 200, headers: [['Content-Type', 'text/html; charset=utf-8']], body: '<!doctype html><html><head><title>Not found</title></head><body>Page not found. <a href="/">Home</a></body></html>' };
const NOT_FOUND: FetchedResponse = { status: 404, headers: [['Content-Type', 'text/plain']], body: 'Not Found' };

const ids = (findings: ScanFinding[]): Array<[string, string]> => findings.map((f) => [f.id, f.evidence]);
const ok = (body: string | Uint8Array, contentType = 'text/plain'): FetchedResponse => ({ status: 200, headers: [['Content-Type', contentType]], body });

describe('the tables', () => {
  it('probes a short list of paths', () => {
    expect(EXPOSURE_PATHS.map((p) => p.path)).toEqual(['/.git/HEAD', '/.env', '/server-status', '/.DS_Store', '/backup.zip']);
  });

  it('has unique ids', () => {
    const all = EXPOSURE_FINDING_TABLE.map((k) => k.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((id) => /^AEGIS-SCAN-EXPOSE-0\d\d$/.test(id))).toBe(true);
  });
});

describe('evaluateExposure', () => {
  it('gives nothing for soft 404s and real 404s on every path', () => {
    for (const { path } of EXPOSURE_PATHS) {
      expect(ids(evaluateExposure(path, SOFT_404))).toEqual([]);
      expect(ids(evaluateExposure(path, NOT_FOUND))).toEqual([]);
    }
  });

  it('gives nothing when a real file is answered with 403', () => {
    expect(ids(evaluateExposure('/.git/HEAD', { ...ok('ref: refs/heads/main\n'), status: 403 }))).toEqual([]);
  });

  it('recognises .git/HEAD (a ref, or a detached commit id)', () => {
    expect(ids(evaluateExposure('/.git/HEAD', ok('ref: refs/heads/main\n')))).toEqual([['AEGIS-SCAN-EXPOSE-001', 'GET /.git/HEAD → 200, "ref: refs/heads/main"']]);
    expect(ids(evaluateExposure('/.git/HEAD', ok('0123456789abcdef0123456789abcdef01234567\n'))).map(([id]) => id)).toEqual(['AEGIS-SCAN-EXPOSE-001']);
  });

  it('recognises .env by KEY=value lines and never shows a value', () => {
    const body = '# production\nDATABASE_URL=postgres://u:hunter2@db/app\nexport SESSION_SECRET="s3cr3t"\n\nDEBUG=false\n';
    const found = evaluateExposure('/.env', ok(body));
    expect(ids(found)).toEqual([['AEGIS-SCAN-EXPOSE-002', 'GET /.env → 200, 3 KEY=value line(s): DATABASE_URL, SESSION_SECRET, DEBUG']]);
    expect(JSON.stringify(found)).not.toMatch(/hunter2|s3cr3t/);
  });

  it('does not take prose or an HTML page served as text/plain for a .env', () => {
    expect(ids(evaluateExposure('/.env', ok('Welcome to our site!\nNothing here.')))).toEqual([]);
    expect(ids(evaluateExposure('/.env', ok('<html><body>a=b</body></html>')))).toEqual([]);
  });

  it('recognises Apache server-status and nginx stub_status', () => {
    const apache = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<html><head>\n<title>Apache Status</title>\n</head><body>\n<h1>Apache Server Status for example.com (via 10.0.0.1)</h1>';
    expect(ids(evaluateExposure('/server-status', ok(apache, 'text/html')))).toEqual([['AEGIS-SCAN-EXPOSE-003', 'GET /server-status → 200, "<title>Apache Status</title>"']]);
    const nginx = 'Active connections: 2 \nserver accepts handled requests\n 10 10 20 \nReading: 0 Writing: 1 Waiting: 1 \n';
    expect(ids(evaluateExposure('/server-status', ok(nginx))).map(([id]) => id)).toEqual(['AEGIS-SCAN-EXPOSE-003']);
  });

  it('recognises a directory listing on any path', () => {
    const listing = '<html><head><title>Index of /uploads</title></head><body><h1>Index of /uploads</h1><ul><li><a href="a.pdf">a.pdf</a></li></ul></body></html>';
    expect(ids(evaluateExposure('/uploads/', ok(listing, 'text/html')))).toEqual([['AEGIS-SCAN-EXPOSE-004', 'GET /uploads/ → 200, "<title>Index of /"']]);
    expect(ids(evaluateExposure('/', ok('<pre><A HREF="/">[To Parent Directory]</A></pre>', 'text/html'))).map(([id]) => id)).toEqual(['AEGIS-SCAN-EXPOSE-004']);
    expect(ids(evaluateExposure('/docs/', ok('<p>An index of our documentation</p>', 'text/html')))).toEqual([]);
  });

  it('recognises .DS_Store and ZIP archives by signature, as bytes', () => {
    const dsStore = Uint8Array.from([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31, 0, 0, 0x10, 0]);
    expect(ids(evaluateExposure('/.DS_Store', ok(dsStore, 'application/octet-stream')))).toEqual([['AEGIS-SCAN-EXPOSE-005', 'GET /.DS_Store → 200, Bud1 signature']]);
    const zip = Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0]);
    expect(ids(evaluateExposure('/backup.zip', ok(zip, 'application/zip')))).toEqual([['AEGIS-SCAN-EXPOSE-006', 'GET /backup.zip → 200, ZIP signature']]);
  });
});

describe('security.txt', () => {
  const VALID = 'Contact: mailto:security@example.com\nContact: https://example.com/security\nExpires: 2026-06-30T23:59:59Z\nPreferred-Languages: en, fr\nPolicy: https://example.com/disclosure\n# a comment\nX-Extension: ignored\n';

  it('finds nothing in a valid file with a future Expires', () => {
    expect(ids(parseSecurityTxt(VALID, NOW))).toEqual([]);
    expect(ids(evaluateSecurityTxt(ok(VALID), NOW))).toEqual([]);
  });

  it('reports a missing file, and a soft 404 as missing', () => {
    expect(ids(evaluateSecurityTxt(NOT_FOUND, NOW))).toEqual([['AEGIS-SCAN-EXPOSE-010', 'GET /.well-known/security.txt → 404']]);
    expect(ids(evaluateSecurityTxt(SOFT_404, NOW))).toEqual([['AEGIS-SCAN-EXPOSE-010', 'GET /.well-known/security.txt → 200, an HTML page']]);
  });

  it('reports an empty file: no Contact, no Expires', () => {
    expect(ids(parseSecurityTxt('', NOW))).toEqual([
      ['AEGIS-SCAN-EXPOSE-012', 'no Contact field'],
      ['AEGIS-SCAN-EXPOSE-013', 'no Expires field'],
    ]);
  });

  it('reports an expired file (medium)', () => {
    const found = parseSecurityTxt('Contact: mailto:s@example.com\nExpires: 2025-12-31T00:00:00Z\n', NOW);
    expect(found.map((f) => [f.id, f.severity, f.evidence])).toEqual([['AEGIS-SCAN-EXPOSE-014', 'medium', 'line 2: Expires: 2025-12-31T00:00:00Z (now 2026-01-01T00:00:00.000Z)']]);
  });

  it('warns when Expires is more than a year ahead', () => {
    expect(ids(parseSecurityTxt('Contact: mailto:s@example.com\nExpires: 2028-01-01T00:00:00+01:00\n', NOW))).toEqual([['AEGIS-SCAN-EXPOSE-015', 'line 2: Expires: 2028-01-01T00:00:00+01:00 (now 2026-01-01T00:00:00.000Z)']]);
  });

  it('reports invalid lines, repeated and invalid values', () => {
    const text = 'Contact: security@example.com\nContact: http://example.com/security\nthis is not a field\nExpires: next year\nExpires: 2026-03-01T00:00:00Z\nPreferred-Languages: en\nPreferred-Languages: english!\n';
    expect(ids(parseSecurityTxt(text, NOW))).toEqual([
      ['AEGIS-SCAN-EXPOSE-011', 'line 3: "this is not a field"'],
      ['AEGIS-SCAN-EXPOSE-018', 'line 1: Contact: security@example.com (not a URI)'],
      ['AEGIS-SCAN-EXPOSE-018', 'line 2: Contact: http://example.com/security (http://, not https://)'],
      ['AEGIS-SCAN-EXPOSE-017', 'Expires appears 2 times (lines 4, 5)'],
      ['AEGIS-SCAN-EXPOSE-018', 'line 4: Expires: next year (not an RFC 3339 date-time)'],
      ['AEGIS-SCAN-EXPOSE-017', 'Preferred-Languages appears 2 times (lines 6, 7)'],
      ['AEGIS-SCAN-EXPOSE-018', 'line 7: Preferred-Languages: english! (not a list of language tags)'],
    ]);
  });

  it('notes a PGP-signed file and reads the signed content (dash-escaping removed, line numbers kept)', () => {
    const signed = ['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', 'Contact: mailto:s@example.com', '- Expires: 2026-06-01T00:00:00Z', 'junk line', '-----BEGIN PGP SIGNATURE-----', '', 'iQIzBAEBCAAdFiEE', '-----END PGP SIGNATURE-----', ''].join('\r\n');
    expect(ids(parseSecurityTxt(signed, NOW))).toEqual([
      ['AEGIS-SCAN-EXPOSE-016', '-----BEGIN PGP SIGNED MESSAGE-----'],
      ['AEGIS-SCAN-EXPOSE-011', 'line 6: "junk line"'],
    ]);
  });
});

describe('source maps', () => {
  it('finds the comment forms and the headers, without repeats or data: URLs', () => {
    const script = 'function a(){}\n//# sourceMappingURL=app.js.map\n//@ sourceMappingURL=/old.map\n/*# sourceMappingURL=style.css.map */\n//# sourceMappingURL=data:application/json;base64,e30=\n//# sourceMappingURL=app.js.map';
    expect(findSourceMaps(script, [['SourceMap', '/maps/app.map'], ['X-SourceMap', 'legacy.map']])).toEqual(['/maps/app.map', 'legacy.map', 'app.js.map', '/old.map', 'style.css.map']);
    expect(findSourceMaps('console.log("no map")', [])).toEqual([]);
  });

  it('reports a served source map (with sourcesContent noted)', () => {
    const map = JSON.stringify({ version: 3, file: 'app.js', sources: ['src/a.ts', 'src/b.ts'], sourcesContent: ['export {}', null], mappings: 'AAAA' });
    expect(evaluateSourceMap('https://example.com/app.js.map', ok(map, 'application/json')).map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['AEGIS-SCAN-EXPOSE-020', 'medium', 'GET https://example.com/app.js.map → 200, version 3, 2 source(s), sourcesContent included'],
    ]);
  });

  it('gives nothing for a 404, a soft 404, other JSON or an empty map', () => {
    expect(evaluateSourceMap('/a.map', NOT_FOUND)).toEqual([]);
    expect(evaluateSourceMap('/a.map', SOFT_404)).toEqual([]);
    expect(evaluateSourceMap('/a.map', ok('{"version":2,"sources":["a"]}'))).toEqual([]);
    expect(evaluateSourceMap('/a.map', ok('{"version":3,"sources":[]}'))).toEqual([]);
  });
});

describe('TRACE', () => {
  it('reports an echo of the request', () => {
    const echo = 'TRACE / HTTP/1.1\r\nHost: example.com\r\nX-Aegis-Scan: trace-probe\r\n\r\n';
    expect(ids(evaluateTrace({ status: 200, headers: [['Content-Type', 'message/http']], body: echo }))).toEqual([['AEGIS-SCAN-EXPOSE-030', 'TRACE / → 200, "TRACE / HTTP/1.1"']]);
  });

  it('gives nothing for 405, 501 or a page that does not echo', () => {
    expect(evaluateTrace({ status: 405, headers: [], body: 'Method Not Allowed' })).toEqual([]);
    expect(evaluateTrace({ status: 501, headers: [], body: 'TRACE / HTTP/1.1' })).toEqual([]);
    expect(evaluateTrace(SOFT_404)).toEqual([]);
  });
});

describe('a foreign Host reflected', () => {
  it('in Location (high) and in body links (medium)', () => {
    const response: FetchedResponse = { status: 302, headers: [['Location', 'https://AEGIS-SCAN.invalid/login']], body: '<a href="https://aegis-scan.invalid/login">moved</a>' };
    expect(evaluateHostReflection(FOREIGN_HOST, response).map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['AEGIS-SCAN-EXPOSE-040', 'high', 'Host: aegis-scan.invalid → 302, Location: https://AEGIS-SCAN.invalid/login'],
      ['AEGIS-SCAN-EXPOSE-041', 'medium', 'Host: aegis-scan.invalid → 302, body: "<a href="https://aegis-scan.invalid/login">moved</a>"'],
    ]);
  });

  it('gives nothing for an Aegis-like answer (unknown Host refused) or a fixed redirect', () => {
    expect(evaluateHostReflection(FOREIGN_HOST, { status: 421, headers: [['Content-Type', 'text/plain']], body: 'Misdirected Request' })).toEqual([]);
    expect(evaluateHostReflection(FOREIGN_HOST, { status: 301, headers: [['Location', 'https://example.com/']], body: '' })).toEqual([]);
    expect(evaluateHostReflection(FOREIGN_HOST, { status: 302, headers: [['Location', '/login']], body: '' })).toEqual([]);
  });
});
