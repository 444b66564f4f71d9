import { describe, expect, it } from 'vitest';
import { aegis } from '../../src/index.js';
import { parseCsp } from '../../src/scan/csp/index.js';
import { HEADER_FINDING_TABLE, LEAKING_HEADERS, evaluateHeaders, parseDictionary, type HeaderContext, type ReceivedHeader } from '../../src/scan/headers/index.js';
import { get, sendRaw } from '../helpers/raw-http.js';
import { startServer } from '../helpers/servers.js';

// Each check on its own: CLEAN has no findings at all, a test changes the headers under test and
// lists *all* findings (id and evidence), so nothing extra slips through.

const CLEAN: readonly ReceivedHeader[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['Permissions-Policy', 'camera=(), geolocation=(self "https://maps.example.com")'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Embedder-Policy', 'require-corp'],
  ['Cross-Origin-Resource-Policy', 'same-site'],
];
const HTTPS: HeaderContext = { https: true };

/** CLEAN without the headers named in `changes` (any case) or `drop`, then `changes`. */
function headersWith(changes: readonly ReceivedHeader[], drop: readonly string[] = []): ReceivedHeader[] {
  const gone = new Set([...changes.map(([name]) => name.toLowerCase()), ...drop.map((name) => name.toLowerCase())]);
  return [...CLEAN.filter(([name]) => !gone.has(name.toLowerCase())), ...changes];
}

function found(changes: readonly ReceivedHeader[], drop: readonly string[] = [], context: HeaderContext = HTTPS): Array<[string, string]> {
  return evaluateHeaders(headersWith(changes, drop), context).map((f) => [f.id, f.evidence]);
}

describe('the finding table', () => {
  it('has unique ids in order, AEGIS-SCAN-HDR-001 onwards', () => {
    expect(HEADER_FINDING_TABLE.map((kind) => kind.id)).toEqual(HEADER_FINDING_TABLE.map((_, index) => `AEGIS-SCAN-HDR-${String(index + 1).padStart(3, '0')}`));
    expect(HEADER_FINDING_TABLE).toHaveLength(31);
  });

  it('finds nothing in the clean baseline', () => {
    expect(found([])).toEqual([]);
  });
});

describe("Aegis' own production headers", () => {
  const policy = () => aegis({ env: 'production', quiet: true, hosts: ['example.com'], proxy: { trust: ['loopback'] } });

  it('finds only information in the planned headers', () => {
    const planned = policy().describe().headers;
    const headers = Object.entries(planned).filter((pair): pair is [string, string] => pair[1] !== undefined);
    const frameAncestors = parseCsp(planned['content-security-policy'] ?? '')[0]?.directives.get('frame-ancestors');
    expect(frameAncestors).toEqual(["'none'"]);
    const findings = evaluateHeaders(headers, { https: true, frameAncestors });
    expect(findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([['AEGIS-SCAN-HDR-024', 'info', 'no Cross-Origin-Embedder-Policy']]);
  });

  it('finds only information in what a node:http server sends over HTTPS (via a trusted proxy)', async () => {
    const server = await startServer('node', policy());
    try {
      const response = await sendRaw(server.port, get('/', 'example.com', ['X-Forwarded-Proto: https']));
      expect(response.status).toBe(200);
      const findings = evaluateHeaders(response.lines, { https: true, cspFrameAncestors: true });
      expect(findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([['AEGIS-SCAN-HDR-024', 'info', 'no Cross-Origin-Embedder-Policy']]);
    } finally {
      await server.close();
    }
  });
});

describe('X-Content-Type-Options', () => {
  it('missing', () => {
    expect(found([], ['X-Content-Type-Options'])).toEqual([['AEGIS-SCAN-HDR-001', 'no X-Content-Type-Options']]);
    expect(evaluateHeaders(headersWith([], ['X-Content-Type-Options']), HTTPS)[0]?.fix).toBe(
      'send exactly X-Content-Type-Options: nosniff, once (headers.xContentTypeOptions: true, the Aegis default).',
    );
  });

  it('not nosniff: ignored by browsers (only the first member counts)', () => {
    expect(found([['X-Content-Type-Options', 'nosniff; mode=block']])).toEqual([['AEGIS-SCAN-HDR-002', 'X-Content-Type-Options: nosniff; mode=block']]);
    expect(found([['X-Content-Type-Options', 'sniff, nosniff']])).toEqual([['AEGIS-SCAN-HDR-002', 'X-Content-Type-Options: sniff, nosniff']]);
    expect(found([['X-Content-Type-Options', '']])).toEqual([['AEGIS-SCAN-HDR-002', 'X-Content-Type-Options: ']]);
  });

  it('works but not exactly nosniff', () => {
    expect(found([['x-content-type-options', 'NoSniff']])).toEqual([['AEGIS-SCAN-HDR-003', 'X-Content-Type-Options: NoSniff']]);
  });

  it('duplicated', () => {
    expect(found([['X-Content-Type-Options', 'nosniff'], ['X-Content-Type-Options', 'nosniff']])).toEqual([
      ['AEGIS-SCAN-HDR-004', 'X-Content-Type-Options: nosniff | X-Content-Type-Options: nosniff'],
    ]);
  });
});

describe('X-Frame-Options', () => {
  it('missing: only reported without frame-ancestors', () => {
    expect(found([], ['X-Frame-Options'])).toEqual([['AEGIS-SCAN-HDR-005', 'no X-Frame-Options, no frame-ancestors']]);
    expect(found([], ['X-Frame-Options'], { https: true, cspFrameAncestors: true })).toEqual([]);
  });

  it('DENY and SAMEORIGIN in any case, repeated identically, are fine', () => {
    expect(found([['X-Frame-Options', 'sameorigin']])).toEqual([]);
    expect(found([['X-Frame-Options', 'DENY'], ['X-Frame-Options', 'deny']])).toEqual([]);
  });

  it('invalid value', () => {
    expect(found([['X-Frame-Options', 'ALLOWALL']])).toEqual([['AEGIS-SCAN-HDR-006', 'X-Frame-Options: ALLOWALL']]);
    expect(found([['X-Frame-Options', 'DENY; SAMEORIGIN']])).toEqual([['AEGIS-SCAN-HDR-006', 'X-Frame-Options: DENY; SAMEORIGIN']]);
  });

  it('ALLOW-FROM is obsolete', () => {
    const findings = evaluateHeaders(headersWith([['X-Frame-Options', 'ALLOW-FROM https://partner.example']]), HTTPS);
    expect(findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([['AEGIS-SCAN-HDR-007', 'medium', 'X-Frame-Options: ALLOW-FROM https://partner.example']]);
    expect(findings[0]?.fix).toContain('headers.contentSecurityPolicy.directives.frameAncestors');
  });

  it('several values block all framing', () => {
    expect(found([['X-Frame-Options', 'DENY'], ['X-Frame-Options', 'SAMEORIGIN']])).toEqual([['AEGIS-SCAN-HDR-008', 'X-Frame-Options: DENY | X-Frame-Options: SAMEORIGIN']]);
  });

  it('a value browsers ignore is information when frame-ancestors applies', () => {
    const context = { https: true, cspFrameAncestors: true };
    expect(found([['X-Frame-Options', 'ALLOW-FROM https://partner.example']], [], context)).toEqual([['AEGIS-SCAN-HDR-009', 'X-Frame-Options: ALLOW-FROM https://partner.example']]);
    expect(found([['X-Frame-Options', 'SAMEORIGIN, DENY']], [], context)).toEqual([['AEGIS-SCAN-HDR-009', 'X-Frame-Options: SAMEORIGIN, DENY']]);
  });

  it('conflicting with frame-ancestors (when its sources are known)', () => {
    expect(found([['X-Frame-Options', 'SAMEORIGIN']], [], { https: true, frameAncestors: ["'none'"] })).toEqual([
      ['AEGIS-SCAN-HDR-010', "X-Frame-Options: SAMEORIGIN | frame-ancestors 'none'"],
    ]);
    expect(found([['X-Frame-Options', 'DENY']], [], { https: true, frameAncestors: ["'self'", 'https://partner.example'] })).toEqual([
      ['AEGIS-SCAN-HDR-010', "X-Frame-Options: DENY | frame-ancestors 'self' https://partner.example"],
    ]);
    expect(found([['X-Frame-Options', 'SAMEORIGIN']], [], { https: true, frameAncestors: ["'self'"] })).toEqual([]);
  });
});

describe('Referrer-Policy', () => {
  it('missing is information', () => {
    expect(found([], ['Referrer-Policy'])).toEqual([['AEGIS-SCAN-HDR-011', 'no Referrer-Policy']]);
  });

  it('full URL to other sites: unsafe-url, no-referrer-when-downgrade', () => {
    expect(found([['Referrer-Policy', 'unsafe-url']])).toEqual([['AEGIS-SCAN-HDR-012', 'Referrer-Policy: unsafe-url (effective: unsafe-url)']]);
    expect(found([['Referrer-Policy', 'No-Referrer-When-Downgrade']])).toEqual([['AEGIS-SCAN-HDR-012', 'Referrer-Policy: No-Referrer-When-Downgrade (effective: no-referrer-when-downgrade)']]);
  });

  it('origin over cleartext: origin, origin-when-cross-origin', () => {
    expect(found([['Referrer-Policy', 'origin']])).toEqual([['AEGIS-SCAN-HDR-013', 'Referrer-Policy: origin (effective: origin)']]);
    expect(found([['Referrer-Policy', 'origin-when-cross-origin']])).toEqual([['AEGIS-SCAN-HDR-013', 'Referrer-Policy: origin-when-cross-origin (effective: origin-when-cross-origin)']]);
  });

  it('the last valid token wins, across header lines', () => {
    expect(found([['Referrer-Policy', 'unsafe-url, no-referrer']])).toEqual([]);
    expect(found([['Referrer-Policy', 'no-referrer'], ['Referrer-Policy', 'unsafe-url']])).toEqual([
      ['AEGIS-SCAN-HDR-012', 'Referrer-Policy: no-referrer | Referrer-Policy: unsafe-url (effective: unsafe-url)'],
    ]);
    expect(found([['Referrer-Policy', 'same-origin, strict-origin']])).toEqual([]);
  });

  it('unknown tokens are skipped; none valid means the header is ignored', () => {
    expect(found([['Referrer-Policy', 'strict-origin, future-policy']])).toEqual([['AEGIS-SCAN-HDR-015', 'Referrer-Policy token future-policy']]);
    expect(found([['Referrer-Policy', 'never']])).toEqual([['AEGIS-SCAN-HDR-014', 'Referrer-Policy: never']]);
    expect(found([['Referrer-Policy', '']])).toEqual([['AEGIS-SCAN-HDR-014', 'Referrer-Policy: ']]);
  });
});

describe('Permissions-Policy', () => {
  it('missing is information', () => {
    expect(found([], ['Permissions-Policy'])).toEqual([['AEGIS-SCAN-HDR-016', 'no Permissions-Policy']]);
  });

  it('syntax errors fail the whole header', () => {
    expect(found([['Permissions-Policy', 'camera=(self']])).toEqual([['AEGIS-SCAN-HDR-017', "Permissions-Policy: camera=(self (expected ' ' or ')' at character 13)"]]);
    expect(found([['Permissions-Policy', 'camera=(), ']])).toEqual([['AEGIS-SCAN-HDR-017', 'Permissions-Policy: camera=(), (expected a member after the trailing comma at character 11)']]);
    // The old Feature-Policy syntax.
    expect(found([['Permissions-Policy', "camera 'none'; microphone 'none'"]])).toEqual([
      ['AEGIS-SCAN-HDR-017', `Permissions-Policy: camera 'none'; microphone 'none' (expected ',' at character 8, found "'none'; micr")`],
    ]);
    expect(found([['Permissions-Policy', 'Camera=()']])).toEqual([['AEGIS-SCAN-HDR-017', 'Permissions-Policy: Camera=() (expected a key at character 1, found "Camera=()")']]);
  });

  it('unknown and repeated features', () => {
    expect(found([['Permissions-Policy', 'interest-cohort=(), camera=(), camera=(self)']])).toEqual([
      ['AEGIS-SCAN-HDR-018', 'Permissions-Policy interest-cohort'],
      ['AEGIS-SCAN-HDR-019', 'Permissions-Policy camera'],
    ]);
  });

  it('allowlist entries browsers do not understand', () => {
    expect(found([['Permissions-Policy', 'camera=none, microphone, geolocation=("maps.example.com")']])).toEqual([
      ['AEGIS-SCAN-HDR-020', 'Permissions-Policy camera=none'],
      ['AEGIS-SCAN-HDR-020', 'Permissions-Policy microphone=?1'],
      ['AEGIS-SCAN-HDR-020', 'Permissions-Policy geolocation=("maps.example.com")'],
    ]);
  });

  it('powerful features allowed to every origin; other features may be', () => {
    const findings = evaluateHeaders(headersWith([['Permissions-Policy', 'camera=*, geolocation=(self *), fullscreen=*, payment=(self)']]), HTTPS);
    expect(findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['AEGIS-SCAN-HDR-021', 'medium', 'Permissions-Policy camera=*'],
      ['AEGIS-SCAN-HDR-021', 'medium', 'Permissions-Policy geolocation=(self *)'],
    ]);
    expect(findings[0]?.fix).toBe("allow it only where needed: headers.permissionsPolicy.camera: ['self'] or named origins, or [] for nobody.");
  });

  it('several header lines form one dictionary', () => {
    expect(found([['Permissions-Policy', 'camera=()'], ['Permissions-Policy', 'usb=*']])).toEqual([['AEGIS-SCAN-HDR-021', 'Permissions-Policy usb=*']]);
  });
});

describe('the structured-field dictionary parser', () => {
  it('reads tokens, strings, inner lists, parameters and bare keys', () => {
    const parsed = parseDictionary('a=(self "https://x.example";p=1), b=*;q, c, d="q\\"s", e=?0, f=-1.5');
    expect(parsed).toEqual({
      ok: true,
      members: [
        ['a', { list: true, items: [{ type: 'token', value: 'self' }, { type: 'string', value: 'https://x.example' }] }],
        ['b', { list: false, item: { type: 'token', value: '*' } }],
        ['c', { list: false, item: { type: 'boolean', value: '?1' } }],
        ['d', { list: false, item: { type: 'string', value: 'q"s' } }],
        ['e', { list: false, item: { type: 'boolean', value: '?0' } }],
        ['f', { list: false, item: { type: 'number', value: '-1.5' } }],
      ],
    });
  });

  it('refuses what RFC 8941 refuses', () => {
    expect(parseDictionary('a="unterminated')).toEqual({ ok: false, error: 'expected a closing quote at character 16' });
    expect(parseDictionary('a="\\n"')).toEqual({ ok: false, error: 'expected \\" or \\\\ at character 5, found "n""' });
    expect(parseDictionary('a=(b)c')).toEqual({ ok: false, error: 'expected \',\' at character 6, found "c"' });
    expect(parseDictionary('a=é')).toEqual({ ok: false, error: 'expected a token, a string, a number or a boolean at character 3, found "é"' });
  });
});

describe('COOP, COEP, CORP', () => {
  it('missing', () => {
    expect(found([], ['Cross-Origin-Opener-Policy', 'Cross-Origin-Embedder-Policy', 'Cross-Origin-Resource-Policy'])).toEqual([
      ['AEGIS-SCAN-HDR-022', 'no Cross-Origin-Opener-Policy'],
      ['AEGIS-SCAN-HDR-024', 'no Cross-Origin-Embedder-Policy'],
      ['AEGIS-SCAN-HDR-025', 'no Cross-Origin-Resource-Policy'],
    ]);
  });

  it('COOP and COEP apply only in secure contexts: not checked over HTTP', () => {
    expect(found([], ['Cross-Origin-Opener-Policy', 'Cross-Origin-Embedder-Policy'], { https: false })).toEqual([]);
  });

  it('weak values', () => {
    expect(found([['Cross-Origin-Opener-Policy', 'unsafe-none'], ['Cross-Origin-Embedder-Policy', 'unsafe-none'], ['Cross-Origin-Resource-Policy', 'cross-origin']])).toEqual([
      ['AEGIS-SCAN-HDR-023', 'Cross-Origin-Opener-Policy: unsafe-none'],
      ['AEGIS-SCAN-HDR-024', 'Cross-Origin-Embedder-Policy: unsafe-none'],
      ['AEGIS-SCAN-HDR-026', 'Cross-Origin-Resource-Policy: cross-origin'],
    ]);
  });

  it('parameters are allowed on COOP and COEP', () => {
    expect(found([['Cross-Origin-Opener-Policy', 'same-origin; report-to="coop"'], ['Cross-Origin-Embedder-Policy', 'credentialless']])).toEqual([]);
  });

  it('values not understood, or sent twice, are ignored', () => {
    expect(found([['Cross-Origin-Opener-Policy', 'same-site'], ['Cross-Origin-Resource-Policy', 'same-origin'], ['Cross-Origin-Resource-Policy', 'same-origin']])).toEqual([
      ['AEGIS-SCAN-HDR-027', 'Cross-Origin-Opener-Policy: same-site'],
      ['AEGIS-SCAN-HDR-027', 'Cross-Origin-Resource-Policy: same-origin | Cross-Origin-Resource-Policy: same-origin'],
    ]);
    expect(found([['Cross-Origin-Embedder-Policy', 'require-corp, credentialless']])).toEqual([['AEGIS-SCAN-HDR-027', 'Cross-Origin-Embedder-Policy: require-corp, credentialless']]);
  });
});

describe('Cache-Control on responses that set cookies', () => {
  const cookie: ReceivedHeader = ['Set-Cookie', 'sid=abc; Secure; HttpOnly; SameSite=Lax'];

  it('no Cache-Control, or one that lets caches store the response', () => {
    expect(found([cookie])).toEqual([['AEGIS-SCAN-HDR-028', 'no Cache-Control with Set-Cookie']]);
    expect(found([cookie, ['Cache-Control', 'public, max-age=600']])).toEqual([['AEGIS-SCAN-HDR-028', 'Cache-Control: public, max-age=600 with Set-Cookie']]);
    expect(found([cookie, ['Cache-Control', 'no-cache']])).toEqual([['AEGIS-SCAN-HDR-028', 'Cache-Control: no-cache with Set-Cookie']]);
  });

  it('no-store, private, or keeping Set-Cookie out of the cache, are enough', () => {
    expect(found([cookie, ['Cache-Control', 'No-Store']])).toEqual([]);
    expect(found([cookie, ['Cache-Control', 'max-age=0'], ['Cache-Control', 'private']])).toEqual([]);
    expect(found([cookie, ['Cache-Control', 'private="Set-Cookie"']])).toEqual([]);
    expect(found([cookie, ['Cache-Control', 'no-cache="Set-Cookie", max-age=60']])).toEqual([]);
  });

  it('the context overrides what the headers show', () => {
    expect(found([], [], { https: true, setsCookies: true })).toEqual([['AEGIS-SCAN-HDR-028', 'no Cache-Control with Set-Cookie']]);
    expect(found([cookie], [], { https: true, setsCookies: false })).toEqual([]);
  });
});

describe('headers that advertise the stack', () => {
  it('one finding per header line, higher with a version number', () => {
    const findings = evaluateHeaders(
      headersWith([
        ['Server', 'nginx/1.18.0'],
        ['X-Powered-By', 'Express'],
        ['x-powered-by', 'PHP/8.1.2-1ubuntu2.14'],
        ['X-AspNet-Version', '4.0.30319'],
        ['X-AspNetMvc-Version', '5.2'],
        ['X-Generator', 'Drupal 10 (https://www.drupal.org)'],
        ['X-Runtime', '0.012345'],
        ['X-Backend-Server', 'app-3.internal'],
        ['SourceMap', '/static/app.js.map'],
        ['Via', '1.1 varnish'],
      ]),
      HTTPS,
    );
    expect(findings.map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['AEGIS-SCAN-HDR-031', 'medium', 'Server: nginx/1.18.0'],
      ['AEGIS-SCAN-HDR-030', 'low', 'X-Powered-By: Express'],
      ['AEGIS-SCAN-HDR-031', 'medium', 'x-powered-by: PHP/8.1.2-1ubuntu2.14'],
      ['AEGIS-SCAN-HDR-031', 'medium', 'X-AspNet-Version: 4.0.30319'],
      ['AEGIS-SCAN-HDR-031', 'medium', 'X-AspNetMvc-Version: 5.2'],
      ['AEGIS-SCAN-HDR-031', 'medium', 'X-Generator: Drupal 10 (https://www.drupal.org)'],
      ['AEGIS-SCAN-HDR-030', 'low', 'X-Runtime: 0.012345'],
      ['AEGIS-SCAN-HDR-030', 'low', 'X-Backend-Server: app-3.internal'],
      ['AEGIS-SCAN-HDR-030', 'low', 'SourceMap: /static/app.js.map'],
    ]);
    expect(findings[0]?.fix).toBe(
      'Aegis removes Server by default (headers.removed), so something in front of or after it adds it: remove it there (proxy, framework, server config).',
    );
    expect(findings[3]?.fix).toBe("remove it: add 'X-AspNet-Version' to headers.removed, or turn it off where it is set.");
  });

  it('a Server that only names the product is information', () => {
    expect(found([['Server', 'nginx'], ['Server', 'ECS (dcb/7F84)'], ['Server', 'Microsoft-IIS/10.0']])).toEqual([
      ['AEGIS-SCAN-HDR-029', 'Server: nginx'],
      ['AEGIS-SCAN-HDR-029', 'Server: ECS (dcb/7F84)'],
      ['AEGIS-SCAN-HDR-031', 'Server: Microsoft-IIS/10.0'],
    ]);
  });

  it('the list has one entry per header, each from OWASP or justified here', () => {
    const names = LEAKING_HEADERS.map((header) => header.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(LEAKING_HEADERS.filter((header) => header.source === 'aegis').map((header) => header.name)).toEqual([
      'X-Version',
      'X-Drupal-Cache',
      'X-Drupal-Dynamic-Cache',
      'X-Runtime',
      'X-Backend-Server',
    ]);
  });
});
