/**
 * `aegis scan` against the demo site as a user deploys it: `node examples/demo/server.js` in the
 * production profile, with its own certificate (trusted here through `ca`) and its redirect port.
 * The bar: grade A+, nothing above info.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/scan/index.js';
import type { ScanResult } from '../../src/scan/result.js';
import { certificateFiles } from '../helpers/certificates.js';
import { startDemo, stopDemo, type DemoProcess } from '../helpers/demo-process.js';

const workDir = mkdtempSync(join(tmpdir(), 'aegis-scan-demo-'));
const certificate = certificateFiles({}, workDir);
let demo: DemoProcess | undefined;
let result: ScanResult;

beforeAll(async () => {
  demo = await startDemo({
    PORT: '0',
    HTTP_PORT: '0',
    HOST: '127.0.0.1',
    AEGIS_ENV: 'production',
    NODE_ENV: 'production',
    AEGIS_HOSTS: 'localhost',
    TLS_CERT: certificate.cert,
    TLS_KEY: certificate.key,
  });
  result = await scan(`https://localhost:${demo.port}/`, { ca: readFileSync(certificate.cert), httpPort: demo.httpPort });
});

afterAll(() => {
  stopDemo(demo);
  rmSync(workDir, { recursive: true, force: true });
});

describe('aegis scan of the demo site (production profile)', () => {
  it('grades A+ with no finding above info', () => {
    const aboveInfo = result.findings.filter((finding) => finding.severity !== 'info').map((finding) => `${finding.id} ${finding.evidence}`);
    expect(aboveInfo).toEqual([]);
    expect(result.outcome).toBe('scanned');
    expect(result.grade?.overall).toEqual({ grade: 'A+', score: 100 });
    expect(result.grade?.caps).toEqual([]);
    expect(result.errors).toEqual([]);
    // The demo sets no cookie: the cookie category is left out, never a silent 100.
    expect(result.categoriesScanned).toEqual(['tls', 'transport', 'headers', 'csp', 'cors', 'content', 'exposures']);
  });

  it('lists exactly the expected information findings', () => {
    // No OCSP stapling: a self-signed certificate has no responder. HTTP/1.1 only: an Express app
    // is served by node:https (see serve()). No COEP and no Trusted Types: neither is an Aegis
    // default, because both break ordinary pages that embed or write HTML.
    expect(result.findings.map((finding) => [finding.id, finding.evidence])).toEqual([
      ['AEGIS-SCAN-TLS-017', 'no OCSP response stapled'],
      ['AEGIS-SCAN-TLS-018', 'ALPN chose http/1.1 when offered h2, http/1.1'],
      ['AEGIS-SCAN-HDR-024', 'no Cross-Origin-Embedder-Policy'],
      ['AEGIS-SCAN-CSP-026', 'no require-trusted-types-for'],
    ]);
  });

  it('saw the redirect, TLS 1.2 and 1.3 only, the groups of the Aegis TLS profile, and a trusted certificate', () => {
    expect(result.redirects.map((hop) => ('error' in hop ? hop.error : hop.status))).toEqual([308, 200]);
    const versions = result.tls?.versions;
    expect(Object.entries(versions ?? {}).map(([name, version]) => [name, version.accepted])).toEqual([
      ['SSLv3', false],
      ['TLSv1.0', false],
      ['TLSv1.1', false],
      ['TLSv1.2', true],
      ['TLSv1.3', true],
    ]);
    // TLS_CURVES of src/serve/tls-profile.ts: X25519:prime256v1:secp384r1.
    expect(result.tls?.groups).toEqual({ version: 'TLSv1.3', accepted: ['x25519', 'secp256r1', 'secp384r1'], complete: true });
    expect(result.tls?.certificate).toMatchObject({ trusted: true, hostnameMatch: true });
  });
});
