/**
 * `aegis scan` as a user runs it, against the demo site in the production profile (a real server
 * in a child process): in-process through `main()` for the many option cases, and once through
 * `node bin/aegis.mjs` for the real exit code and streams.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAN_HELP } from '../src/cli/commands/scan.js';
import { main } from '../src/cli/main.js';
import type { ScanReport } from '../src/scan/result.js';
import { certificateFiles } from './helpers/certificates.js';
import { recordingIo } from './helpers/command-io.js';
import { sarifErrors, scanReportErrors } from './helpers/report-schemas.js';
import { ROOT, startDemo, stopDemo, type DemoProcess } from './helpers/demo-process.js';

const VERSION = '9.9.9-test';
const ANSI = '\u001b[';
const workDir = mkdtempSync(join(tmpdir(), 'aegis-cli-scan-'));
const certificate = certificateFiles({}, workDir);
const policies = join(ROOT, 'test', 'fixtures', 'policies');
let demo: DemoProcess | undefined;
let url = '';
/** A port that accepts connections and never answers: a target that times out. */
let silent: Server;
let silentPort = 0;

beforeAll(async () => {
  demo = await startDemo({ PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', AEGIS_ENV: 'production', NODE_ENV: 'production', AEGIS_HOSTS: 'localhost', TLS_CERT: certificate.cert, TLS_KEY: certificate.key });
  url = `https://localhost:${demo.port}/`;
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(() => {
  stopDemo(demo);
  silent.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** Runs `aegis scan <args>` in-process; `tty` makes stdout and stderr terminals. */
async function scanCommand(args: readonly string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const recorded = recordingIo(options.env ?? {}, workDir, options.tty ?? false);
  const code = await main(['scan', ...args], recorded.io, VERSION);
  return { code, stdout: recorded.stdout(), stderr: recorded.stderr() };
}

/** The options that make the demo scan complete: trust its certificate, check its redirect port. */
const demoOptions = (): string[] => ['--ca', certificate.cert, '--http-port', String(demo?.httpPort ?? 0)];

const usage = (message: string): string => `aegis scan: ${message}\nRun \`aegis scan --help\` for usage.\n`;

describe('aegis scan: usage errors exit 2', () => {
  it.each([
    [[], 'give at least one URL to scan, e.g. aegis scan https://example.com/'],
    [['example.com'], 'not a URL: "example.com" (write it in full, e.g. https://example.com/)'],
    [['ftp://example.com/'], 'not an http:// or https:// URL: "ftp://example.com/"'],
    [['https://a.example/', '--format', 'pdf'], '--format must be one of text, json, sarif, html, not "pdf".'],
    [['https://a.example/', '--fail-under', 'A++'], '--fail-under must be one of A+, A, A-, B, C, D, E, F, not "A++".'],
    [['https://a.example/', '--timeout', '0'], '--timeout must be a whole number from 1 to 600000, not "0".'],
    [['https://a.example/', '--http-port', '80x'], '--http-port must be a whole number from 1 to 65535, not "80x".'],
    [['https://a.example/', '--concurrency', '-1'], "Option '--concurrency' argument is ambiguous.\nDid you forget to specify the option argument for '--concurrency'?\nTo specify an option argument starting with a dash use '--concurrency=-XYZ'."],
    [['https://a.example/', '--ca', '/nonexistent/ca.pem'], '--ca: cannot read /nonexistent/ca.pem (ENOENT)'],
    [['https://a.example/', '--ca', join(policies, 'strong.mjs')], `--ca: ${join(policies, 'strong.mjs')} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`],
  ])('%j', async (args, message) => {
    const result = await scanCommand(args);
    expect(result).toEqual({ code: 2, stdout: '', stderr: usage(message) });
  });

  it("an unknown option: Node's parseArgs message (its wording varies by Node version)", async () => {
    const result = await scanCommand(['https://a.example/', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aegis scan: Unknown option '--bogus'\. .*\nRun `aegis scan --help` for usage\.\n$/);
  });

  it('--help prints the help on stdout and exits 0', async () => {
    expect(await scanCommand(['--help'])).toEqual({ code: 0, stdout: SCAN_HELP, stderr: '' });
  });
});

describe('aegis scan: the demo site', () => {
  it('prints the text report without colour when stdout is not a terminal, and exits 0', async () => {
    const result = await scanCommand([url, ...demoOptions()]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^https://localhost:${demo?.port}/  A\\+  100/100  \\d+(?:\\.\\d+)? m?s$`));
    expect(result.stdout).not.toContain(ANSI);
    for (const id of ['AEGIS-SCAN-TLS-017', 'AEGIS-SCAN-TLS-018', 'AEGIS-SCAN-HDR-024', 'AEGIS-SCAN-CSP-026']) expect(result.stdout).toContain(id);
  });

  it('colours on a terminal, and draws then clears a progress line on stderr', async () => {
    const result = await scanCommand([url, ...demoOptions()], { tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(ANSI);
    expect(result.stderr.startsWith('\r\u001b[Kaegis scan: 0/1 done · ')).toBe(true);
    expect(result.stderr.endsWith('\r\u001b[K')).toBe(true);
  });

  it('never colours with NO_COLOR, even on a terminal', async () => {
    const result = await scanCommand([url, ...demoOptions()], { tty: true, env: { NO_COLOR: '1' } });
    expect(result.stdout).not.toContain(ANSI);
  });

  it('--format json prints the report: one result, graded A+, the tool version', async () => {
    const result = await scanCommand([url, ...demoOptions(), '--format', 'json']);
    const report = JSON.parse(result.stdout) as ScanReport;
    expect(scanReportErrors(report)).toEqual([]);
    expect([result.code, report.schemaVersion, report.tool, report.results.length]).toEqual([0, '1.0', { name: 'aegis', version: VERSION }, 1]);
    expect(report.results[0]?.grade?.overall).toEqual({ grade: 'A+', score: 100 });
  });

  it('--format sarif prints a SARIF 2.1.0 log with one result per finding', async () => {
    const result = await scanCommand([url, ...demoOptions(), '--format', 'sarif']);
    const log = JSON.parse(result.stdout) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarifErrors(log)).toEqual([]);
    expect([result.code, log.version]).toEqual([0, '2.1.0']);
    expect(log.runs[0]?.results.map((r) => r.ruleId)).toEqual(['AEGIS-SCAN-TLS-017', 'AEGIS-SCAN-TLS-018', 'AEGIS-SCAN-HDR-024', 'AEGIS-SCAN-CSP-026']);
  });

  it('--format html -o writes one HTML file and says where on stderr', async () => {
    const file = join(workDir, 'report.html');
    const result = await scanCommand([url, ...demoOptions(), '--format', 'html', '-o', 'report.html']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: `aegis scan: html report written to ${file}\n` });
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`https://localhost:${demo?.port}/`);
  });

  it('--fail-under: A+ passes at A+, and without --ca the untrusted certificate fails A', async () => {
    expect((await scanCommand([url, ...demoOptions(), '--fail-under', 'A+'])).code).toBe(0);
    const untrusted = await scanCommand([url, '--http-port', String(demo?.httpPort ?? 0), '--fail-under', 'A', '--format', 'json']);
    const grade = (JSON.parse(untrusted.stdout) as ScanReport).results[0]?.grade?.overall.grade;
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toBe(`aegis scan: ${url} grades ${grade}, below --fail-under A\n`);
  });

  it('--expect with the policy the demo runs: no drift, exit 0', async () => {
    const result = await scanCommand([url, ...demoOptions(), '--expect', join(policies, 'scan-expect-demo.mjs'), '--format', 'json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as ScanReport).results[0]?.drift).toEqual([]);
  });

  it('--expect with another policy: every differing header, exit 1', async () => {
    const result = await scanCommand([url, ...demoOptions(), '--expect', join(policies, 'scan-expect-drift.mjs'), '--format', 'json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`aegis scan: ${url} differs from the expected policy in 2 headers\n`);
    const drift = (JSON.parse(result.stdout) as ScanReport).results[0]?.drift;
    expect(drift?.map((entry) => [entry.header, entry.kind, entry.expected, entry.served])).toEqual([
      ['cross-origin-opener-policy', 'different', 'same-origin-allow-popups', 'same-origin'],
      ['referrer-policy', 'different', 'no-referrer', 'strict-origin-when-cross-origin'],
    ]);
  });
});

describe('aegis scan: unreachable targets exit 2', () => {
  it('a closed port: the connection error on stderr, the target in the report', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const target = `https://127.0.0.1:${closedPort}/`;
    const result = await scanCommand([target, '--format', 'json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aegis scan: ${target} is unreachable: GET ${target}: connect ECONNREFUSED 127.0.0.1:${closedPort}\n`);
    expect((JSON.parse(result.stdout) as ScanReport).results[0]).toMatchObject({ target, outcome: 'unreachable', findings: [] });
  });

  it('a silent port times out at --timeout, and a reachable target in the same run is still reported', async () => {
    const target = `https://127.0.0.1:${silentPort}/`;
    const result = await scanCommand([target, url, ...demoOptions(), '--timeout', '400', '--format', 'json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aegis scan: ${target} is unreachable: GET ${target}: timed out after 400 ms\n`);
    const report = JSON.parse(result.stdout) as ScanReport;
    expect(report.results.map((r) => [r.target, r.outcome])).toEqual([
      [target, 'unreachable'],
      [url, 'scanned'],
    ]);
  });
});

describe('node bin/aegis.mjs scan', () => {
  it('exits 0 on the demo and prints the report on stdout only', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'aegis.mjs'), 'scan', url, ...demoOptions(), '--format', 'json'], { cwd: workDir, env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect([code, stderr]).toEqual([0, '']);
    expect((JSON.parse(stdout) as ScanReport).results[0]?.grade?.overall.grade).toBe('A+');
  });
});
