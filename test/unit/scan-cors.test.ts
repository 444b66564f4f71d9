import { describe, expect, it } from 'vitest';
import { CORS_FINDING_TABLE, CORS_PROBES, evaluateCors, FOREIGN_ORIGIN, PREFLIGHT_HEADER, PREFLIGHT_METHOD, type CorsProbe, type CorsProbeResult } from '../../src/scan/cors/index.js';

// The CORS evaluator over the answers to the four probes. Every assertion lists *all* findings
// (id and evidence), so nothing extra slips through.

type Headers = Array<[string, string]>;

function probeNamed(name: CorsProbe['name']): CorsProbe {
  const probe = CORS_PROBES.find((p) => p.name === name);
  if (!probe) throw new Error(name);
  return probe;
}

/** Answers every probe with `answer(probe)`. */
function found(answer: (probe: CorsProbe) => Headers): Array<[string, string]> {
  const results: CorsProbeResult[] = CORS_PROBES.map((probe) => ({ probe, status: probe.preflight ? 204 : 200, headers: answer(probe) }));
  return evaluateCors(results).map((f) => [f.id, f.evidence]);
}

const reflectAll = (extra: Headers) => (probe: CorsProbe): Headers => {
  const headers: Headers = [['Access-Control-Allow-Origin', probe.origin], ...extra];
  if (probe.preflight) headers.push(['Access-Control-Allow-Methods', PREFLIGHT_METHOD], ['Access-Control-Allow-Headers', PREFLIGHT_HEADER]);
  return headers;
};

describe('CORS probes', () => {
  it('are a foreign origin and null, each simple and preflight', () => {
    expect(CORS_PROBES.map((p) => [p.name, p.method, p.headers])).toEqual([
      ['foreign-simple', 'GET', [['Origin', 'https://aegis-scan.invalid']]],
      ['foreign-preflight', 'OPTIONS', [['Origin', 'https://aegis-scan.invalid'], ['Access-Control-Request-Method', 'AEGISPROBE'], ['Access-Control-Request-Headers', 'x-aegis-scan-probe']]],
      ['null-simple', 'GET', [['Origin', 'null']]],
      ['null-preflight', 'OPTIONS', [['Origin', 'null'], ['Access-Control-Request-Method', 'AEGISPROBE'], ['Access-Control-Request-Headers', 'x-aegis-scan-probe']]],
    ]);
    expect(FOREIGN_ORIGIN).toBe('https://aegis-scan.invalid');
  });

  it('has ids in order, each once', () => {
    expect(CORS_FINDING_TABLE.map((k) => k.id)).toEqual(['001', '002', '003', '004', '005', '006', '007', '008'].map((n) => `AEGIS-SCAN-CORS-${n}`));
  });
});

describe('no finding', () => {
  it('when no CORS headers are sent (same-origin only)', () => {
    expect(found(() => [['Content-Type', 'text/html']])).toEqual([]);
  });

  it('for an Aegis-like answer: a fixed allowlist that does not include the probe origin', () => {
    expect(found(() => [['Access-Control-Allow-Origin', 'https://app.example.com'], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']])).toEqual([]);
  });

  it('for * without credentials (a public resource), even on preflight with listed methods', () => {
    expect(found((probe) => [['Access-Control-Allow-Origin', '*'], ...(probe.preflight ? ([['Access-Control-Allow-Methods', 'GET, POST']] as Headers) : [])])).toEqual([]);
  });

  it('when Access-Control-Allow-Origin is sent twice (browsers reject it)', () => {
    expect(found((probe) => [['Access-Control-Allow-Origin', probe.origin], ['Access-Control-Allow-Origin', probe.origin]])).toEqual([]);
  });

  it('when credentials are not exactly `true`', () => {
    expect(found(() => [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Credentials', 'TRUE']])).toEqual([]);
  });
});

describe('findings', () => {
  it('reflected origin and null with credentials: 001, 004, preflight 006/007, no Vary 008', () => {
    expect(found(reflectAll([['Access-Control-Allow-Credentials', 'true']]))).toEqual([
      ['AEGIS-SCAN-CORS-001', 'GET with Origin: https://aegis-scan.invalid → Access-Control-Allow-Origin: https://aegis-scan.invalid → Access-Control-Allow-Credentials: true'],
      ['AEGIS-SCAN-CORS-008', 'GET with Origin: https://aegis-scan.invalid → Access-Control-Allow-Origin: https://aegis-scan.invalid → Access-Control-Allow-Credentials: true; no Vary: Origin'],
      ['AEGIS-SCAN-CORS-006', 'OPTIONS with Access-Control-Request-Method: AEGISPROBE → Access-Control-Allow-Methods: AEGISPROBE'],
      ['AEGIS-SCAN-CORS-007', 'OPTIONS with Access-Control-Request-Headers: x-aegis-scan-probe → Access-Control-Allow-Headers: x-aegis-scan-probe'],
      ['AEGIS-SCAN-CORS-004', 'GET with Origin: null → Access-Control-Allow-Origin: null → Access-Control-Allow-Credentials: true'],
    ]);
  });

  it('reflected origin and null without credentials, with Vary: Origin: 002, 005', () => {
    expect(found((probe) => [['Access-Control-Allow-Origin', probe.origin], ['Vary', 'Accept-Encoding, origin']])).toEqual([
      ['AEGIS-SCAN-CORS-002', 'GET with Origin: https://aegis-scan.invalid → Access-Control-Allow-Origin: https://aegis-scan.invalid'],
      ['AEGIS-SCAN-CORS-005', 'GET with Origin: null → Access-Control-Allow-Origin: null'],
    ]);
  });

  it('* with credentials: 003 (and * allowing any method and header on preflight: 006, 007)', () => {
    expect(found((probe) => [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Credentials', 'true'], ...(probe.preflight ? ([['Access-Control-Allow-Methods', '*'], ['Access-Control-Allow-Headers', '*']] as Headers) : [])])).toEqual([
      ['AEGIS-SCAN-CORS-003', 'GET with Origin: https://aegis-scan.invalid → Access-Control-Allow-Origin: * → Access-Control-Allow-Credentials: true'],
      ['AEGIS-SCAN-CORS-006', 'OPTIONS with Access-Control-Request-Method: AEGISPROBE → Access-Control-Allow-Methods: *'],
      ['AEGIS-SCAN-CORS-007', 'OPTIONS with Access-Control-Request-Headers: x-aegis-scan-probe → Access-Control-Allow-Headers: *'],
    ]);
  });

  it('reports a reflection seen only on the preflight', () => {
    const results: CorsProbeResult[] = [
      { probe: probeNamed('foreign-simple'), status: 200, headers: [] },
      { probe: probeNamed('foreign-preflight'), status: 204, headers: [['access-control-allow-origin', FOREIGN_ORIGIN], ['Vary', 'Origin'], ['Access-Control-Allow-Methods', 'GET, POST']] },
    ];
    expect(evaluateCors(results).map((f) => [f.id, f.severity, f.evidence])).toEqual([
      ['AEGIS-SCAN-CORS-002', 'medium', 'OPTIONS with Origin: https://aegis-scan.invalid → Access-Control-Allow-Origin: https://aegis-scan.invalid'],
    ]);
  });

  it('treats methods as case-sensitive: a lower-cased method is not the one requested', () => {
    const results: CorsProbeResult[] = [{ probe: probeNamed('foreign-preflight'), status: 204, headers: [['Access-Control-Allow-Origin', FOREIGN_ORIGIN], ['Vary', 'Origin'], ['Access-Control-Allow-Methods', 'aegisprobe']] }];
    expect(evaluateCors(results).map((f) => f.id)).toEqual(['AEGIS-SCAN-CORS-002']);
  });
});
