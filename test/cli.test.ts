// The `aegis` command, run as users run it: `node bin/aegis.mjs …` in a child process whose working
// directory and environment the test controls (the bin imports the build, dist/esm/cli/main.js).
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../src/checks/catalogue.js';
import { CERT_HELP } from '../src/cli/commands/cert.js';
import { CHECK_HELP } from '../src/cli/commands/check.js';
import { SECRET_HELP } from '../src/cli/commands/secret.js';
import { main, MAIN_HELP } from '../src/cli/main.js';
import { POLICY_MODULE_NAMES } from '../src/cli/policy-module.js';
import { generateSecret } from '../src/config/generate-secret.js';
import { createSelfSignedCertificate } from '../src/tls/self-signed.js';
import { runAegisBinary } from './helpers/aegis-binary.js';
import { recordingIo } from './helpers/command-io.js';

// ---------------------------------------------------------------------------------------------
// Helpers

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT_MAIN = join(ROOT, 'dist', 'esm', 'cli', 'main.js');
const POLICIES = join(ROOT, 'test', 'fixtures', 'policies');
const policy = (name: string) => join(POLICIES, name);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DAY = 86_400_000;
const ANSI = '\u001b[';

/**
 * What every child process gets: a production-like environment, nothing inherited from the test
 * runner (vitest sets NODE_ENV=test, which AEGIS-E006 would report).
 */
const BASE_ENV = { PATH: process.env.PATH ?? '', NODE_ENV: 'production' };

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aegis <args>` in a child process with `cwd` and `env` (added to BASE_ENV). */
function aegis(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return runAegisBinary(args, { cwd: options.cwd ?? ROOT, env: { ...BASE_ENV, ...options.env } });
}

interface JsonReport {
  env: string;
  policy: string;
  findings: Array<{ id: string; severity: string; title: string; message: string; fix: string }>;
  summary: { errors: number; warnings: number; info: number };
}

/** Runs `aegis check --json …` and parses the report (stdout must be JSON and nothing else). */
async function checkJson(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const result = await aegis(['check', '--json', ...args], { env, ...(cwd && { cwd }) });
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

const idsOf = (report: JsonReport) => report.findings.map((finding) => finding.id);

/** Summary counts for a list of ids, from their letter: E error, W warning, I info. */
function countsOf(ids: readonly string[]) {
  const count = (letter: string) => ids.filter((id) => id.startsWith(`AEGIS-${letter}`)).length;
  return { errors: count('E'), warnings: count('W'), info: count('I') };
}

let scratch: string;

/** A new empty directory under this run's scratch directory. */
function directory(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A directory holding one `aegis.policy.mjs` with this source, for default discovery. */
function policyDirectory(name: string, source: string): string {
  const dir = directory(name);
  writeFileSync(join(dir, 'aegis.policy.mjs'), source);
  return dir;
}

/** Writes a certificate and key; returns their paths. */
function writePair(dir: string, pair: { cert: string; key: string }): { cert: string; key: string } {
  writeFileSync(join(dir, 'cert.pem'), pair.cert);
  writeFileSync(join(dir, 'key.pem'), pair.key, { mode: 0o600 });
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

/**
 * A certificate for `dnsName` issued by a throw-away test CA (with the system's openssl): a real
 * chain, so it is not self-signed (issuer ≠ subject) and AEGIS-W013 rightly stays quiet.
 */
function caIssuedCertificate(dir: string, dnsName: string): { cert: string; key: string } {
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', at('ca-key.pem'), '-out', at('ca-cert.pem'), '-days', '30', '-subj', '/CN=Aegis test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', '-new', ...ec, '-keyout', at('key.pem'), '-out', at('request.csr'), '-subj', `/CN=${dnsName}`);
  writeFileSync(at('extensions.cnf'), `subjectAltName=DNS:${dnsName}\nextendedKeyUsage=serverAuth\n`);
  openssl('x509', '-req', '-in', at('request.csr'), '-CA', at('ca-cert.pem'), '-CAkey', at('ca-key.pem'), '-set_serial', '1001', '-days', '90', '-extfile', at('extensions.cnf'), '-out', at('cert.pem'));
  return { cert: at('cert.pem'), key: at('key.pem') };
}

/** What a usage error prints on stderr: the message, then the pointer to the command's help. */
const usage = (command: string, message: string) => `aegis ${command}: ${message}\nRun \`aegis ${command} --help\` for usage.\n`;

// ---------------------------------------------------------------------------------------------
// Fixture material, made once: certificates, a PKCS#12 bundle, the planted secrets.

/** Planted secrets: none of these may ever appear in the command's output. */
const WEAK_SESSION_SECRET = 'changeme';
const SHARED_SECRET = generateSecret(); // CSRF_SECRET and API_KEY (a duplicate)
const STRONG_SESSION_SECRET = generateSecret();
const PFX_PASSPHRASE = 'pfx-right-passphrase-4f1c';
const WRONG_PFX_PASSPHRASE = 'pfx-wrong-passphrase-9b7e';

let strongEnv: Record<string, string>;
let weakEnv: Record<string, string>;
let expiredCertificate: { cert: string; key: string };
let pfxPath: string;

beforeAll(() => {
  if (!existsSync(BUILT_MAIN)) {
    throw new Error(`${BUILT_MAIN} is missing: bin/aegis.mjs runs the build. Run \`npm run build\` first (\`npm test\` does it in pretest).`);
  }
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'aegis-cli-')));

  const strong = caIssuedCertificate(directory('strong-tls'), 'app.example.test');
  const leaf = new X509Certificate(readFileSync(strong.cert));
  if (leaf.issuer === leaf.subject) throw new Error('the strong fixture certificate must be CA-issued');
  strongEnv = { FIXTURE_CERT: strong.cert, FIXTURE_KEY: strong.key, SESSION_SECRET: STRONG_SESSION_SECRET };

  // Valid for 30 days from two years ago, for a name no policy lists.
  expiredCertificate = writePair(directory('expired-tls'), createSelfSignedCertificate({ now: new Date(Date.now() - 730 * DAY), days: 30, dnsNames: ['old.example.test'], ipAddresses: [] }));
  weakEnv = { FIXTURE_CERT: expiredCertificate.cert, FIXTURE_KEY: expiredCertificate.key, SESSION_SECRET: WEAK_SESSION_SECRET, CSRF_SECRET: SHARED_SECRET, API_KEY: SHARED_SECRET };

  const pfxDir = directory('pfx');
  const pair = writePair(pfxDir, createSelfSignedCertificate({ dnsNames: ['app.example.test'], ipAddresses: [] }));
  pfxPath = join(pfxDir, 'bundle.pfx');
  execFileSync('openssl', ['pkcs12', '-export', '-in', pair.cert, '-inkey', pair.key, '-out', pfxPath, '-passout', `pass:${PFX_PASSPHRASE}`], { stdio: 'pipe' });
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// aegis check

/**
 * What weak.mjs must produce, in report order, each derived from a line of the fixture.
 * Not expected: E004 (hosts: false leaves no host for the certificate to cover), W004 (serve has a
 * certificate, so serve()'s redirect listener answers plain HTTP), W010 (already expired, not
 * "expiring"), W001/W002/I001 (no HSTS at all), W012 and the inspector (neither DEBUG nor
 * NODE_OPTIONS is set), W014 (serve is exported).
 */
const WEAK_FINDINGS = [
  'AEGIS-E003', // serve.tls: the certificate was valid for 30 days, two years ago
  'AEGIS-E005', // headers.strictTransportSecurity: false
  'AEGIS-E006', // debug: true
  'AEGIS-E007', // cookies.secure: false
  'AEGIS-E008', // cors: origins '*' with credentials: true
  'AEGIS-E009', // SESSION_SECRET=changeme: a placeholder, far below 256 bits
  'AEGIS-E009', // API_KEY: the same value as CSRF_SECRET
  'AEGIS-E010', // PORT: required, and the test leaves it unset
  'AEGIS-W003', // headers.xContentTypeOptions: false
  'AEGIS-W005', // xFrameOptions: false and frameAncestors: false
  'AEGIS-W006', // referrerPolicy: 'unsafe-url'
  'AEGIS-W007', // cookies.httpOnly: false
  'AEGIS-W008', // cookies.csrf.secure: false
  'AEGIS-W009', // hosts: false
  'AEGIS-W011', // scriptSrc: ["'unsafe-inline'"] with the nonce off
  'AEGIS-W013', // the certificate is self-signed (createSelfSignedCertificate)
];

describe('aegis check: a weak deployment (weak.mjs)', () => {
  it('reports exactly the expected findings and exits 1', async () => {
    const { code, report } = await checkJson(['--policy', policy('weak.mjs')], weakEnv);
    expect(idsOf(report)).toEqual(WEAK_FINDINGS);
    expect(code).toBe(1);
  });

  it('prints a JSON report: env, policy, complete findings, and summary counts that match', async () => {
    const { report, stderr } = await checkJson(['--policy', policy('weak.mjs')], weakEnv);
    expect(report.env).toBe('production');
    expect(report.policy).toBe(policy('weak.mjs'));
    const catalogue = new Map(CHECKS.map((check) => [check.id, check]));
    for (const finding of report.findings) {
      expect(Object.keys(finding).sort()).toEqual(['fix', 'id', 'message', 'severity', 'title']);
      expect({ severity: finding.severity, title: finding.title }).toEqual({ severity: catalogue.get(finding.id)?.severity, title: catalogue.get(finding.id)?.title });
      expect(finding.message.length).toBeGreaterThan(0);
      expect(finding.fix.length).toBeGreaterThan(0);
    }
    expect(report.summary).toEqual(countsOf(WEAK_FINDINGS));
    expect(report.summary).toEqual({ errors: 8, warnings: 8, info: 0 });
    expect(stderr).toBe('');
  });

  it("names the variables, not the values, in the secret findings, with loadConfig's fixes", async () => {
    const { report } = await checkJson(['--policy', policy('weak.mjs')], weakEnv);
    const findings = report.findings.filter((f) => f.id === 'AEGIS-E009' || f.id === 'AEGIS-E010').map((f) => [f.message, f.fix]);
    expect(findings).toEqual([
      ['SESSION_SECRET: a known placeholder; only 22 bits of entropy (at least 256 are needed).', 'set SESSION_SECRET to a new value from `npx aegis secret`.'],
      ['API_KEY: the same value as CSRF_SECRET; every secret must be different.', 'set API_KEY to a new value from `npx aegis secret`.'],
      ['PORT: is required but not set.', 'set PORT in the environment.'],
    ]);
  });

  it('says "weak secret" once in the text line of AEGIS-E009 (regression: "weak secret: X: weak secret: …")', async () => {
    const { stdout } = await aegis(['check', '--policy', policy('weak.mjs')], { env: weakEnv });
    expect(stdout).toContain(
      'AEGIS-E009 error   weak secret: SESSION_SECRET: a known placeholder; only 22 bits of entropy (at least 256 are needed).\n' +
        '                   Fix: set SESSION_SECRET to a new value from `npx aegis secret`.\n',
    );
    expect(stdout.match(/weak secret/g)).toEqual(['weak secret', 'weak secret']); // the two E009 titles, nothing more
  });

  it('prints every finding with its id and a summary line in text mode', async () => {
    const { code, stdout } = await aegis(['check', '--policy', policy('weak.mjs')], { env: weakEnv });
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(`aegis check: ${policy('weak.mjs')} (production)`);
    expect(stdout.match(/^AEGIS-[EWI]\d{3}/gm)).toEqual(WEAK_FINDINGS);
    expect(stdout.endsWith('\n8 errors, 8 warnings, 0 notes.\n')).toBe(true);
  });

  it('still exits 1 with --fail-on error, since errors exist', async () => {
    const { code } = await aegis(['check', '--policy', policy('weak.mjs'), '--fail-on', 'error'], { env: weakEnv });
    expect(code).toBe(1);
  });

  it('exits 0 with --fail-on never, and still prints the findings', async () => {
    const { code, stdout } = await aegis(['check', '--policy', policy('weak.mjs'), '--fail-on', 'never'], { env: weakEnv });
    expect(code).toBe(0);
    expect(stdout).toContain('8 errors, 8 warnings, 0 notes.');
  });

  it('never prints a planted secret value, in text or JSON mode', async () => {
    for (const mode of [[], ['--json']]) {
      const { stdout, stderr } = await aegis(['check', '--policy', policy('weak.mjs'), ...mode], { env: weakEnv });
      for (const value of [WEAK_SESSION_SECRET, SHARED_SECRET]) {
        expect(stdout).not.toContain(value);
        expect(stderr).not.toContain(value);
      }
    }
  });

  it('writes no ANSI colour to a pipe', async () => {
    const { stdout } = await aegis(['check', '--policy', policy('weak.mjs')], { env: weakEnv });
    expect(stdout).not.toContain(ANSI);
  });
});

describe('aegis check: a production-ready deployment (strong.mjs)', () => {
  it('prints "No findings." and exits 0', async () => {
    const result = await aegis(['check', '--policy', policy('strong.mjs')], { env: strongEnv });
    expect(result).toEqual({ code: 0, stdout: `aegis check: ${policy('strong.mjs')} (production)\nNo findings.\n`, stderr: '' });
  });

  it('prints findings: [] in JSON', async () => {
    const { code, report } = await checkJson(['--policy', policy('strong.mjs')], strongEnv);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.summary).toEqual({ errors: 0, warnings: 0, info: 0 });
  });

  it('never prints the secret value', async () => {
    const { stdout, stderr } = await aegis(['check', '--json', '--policy', policy('strong.mjs')], { env: strongEnv });
    expect(stdout + stderr).not.toContain(STRONG_SESSION_SECRET);
  });

  it('reports an expired certificate for other names: E003, E004 and W013', async () => {
    const env = { ...strongEnv, FIXTURE_CERT: expiredCertificate.cert, FIXTURE_KEY: expiredCertificate.key };
    const { code, report } = await checkJson(['--policy', policy('strong.mjs')], env);
    expect(idsOf(report)).toEqual(['AEGIS-E003', 'AEGIS-E004', 'AEGIS-W013']);
    expect(report.findings[1]?.message).toBe('The certificate does not cover these allowed hosts: app.example.test.');
    expect(code).toBe(1);
  });

  it('reports NODE_ENV=development as AEGIS-E006', async () => {
    const { report } = await checkJson(['--policy', policy('strong.mjs')], { ...strongEnv, NODE_ENV: 'development' });
    expect(report.findings.map((f) => `${f.id} ${f.message}`)).toEqual(['AEGIS-E006 NODE_ENV is "development": frameworks (Express included) then show stack traces and skip caches.']);
  });
});

describe('aegis check: policy modules', () => {
  it('loads a TypeScript module (typescript.ts): only the HSTS preload note, exit 0', async () => {
    const { code, report } = await checkJson(['--policy', policy('typescript.ts')]);
    expect(idsOf(report)).toEqual(['AEGIS-I001']);
    expect(code).toBe(0);
    expect(readdirSync(POLICIES).filter((name) => name.startsWith('.aegis-check-'))).toEqual([]);
  });

  it('fails on a note with --fail-on info', async () => {
    const { code } = await aegis(['check', '--policy', policy('typescript.ts'), '--fail-on', 'info']);
    expect(code).toBe(1);
  });

  it('turns an AegisConfigError thrown at import (broken.mjs) into AEGIS-E000 findings, exit 1', async () => {
    const { code, report } = await checkJson(['--policy', policy('broken.mjs')]);
    expect(report.findings.map((f) => [f.id, f.severity, f.title, f.message])).toEqual([
      ['AEGIS-E000', 'error', 'policy invalid', 'headers.contentSecurityPolicy.directives.scriptSrc[0]: "self" is a keyword and must be quoted, or browsers read it as a host name.'],
      ['AEGIS-E000', 'error', 'policy invalid', 'headers.referrerPolicy: "unsafe" is not a referrer policy.'],
    ]);
    expect(report.findings[0]?.fix).toBe(`write "'self'".`);
    expect(code).toBe(1);
  });

  it('recognises the AegisConfigError of the CommonJS build too (broken.cjs)', async () => {
    const { code, report } = await checkJson(['--policy', policy('broken.cjs')]);
    expect(report.findings.map((f) => [f.id, f.message])).toEqual([['AEGIS-E000', 'headers.referrerPolicy: "unsafe" is not a referrer policy.']]);
    expect(code).toBe(1);
  });

  it('exits 2 and says what to export for a module without a policy (not-a-policy.mjs)', async () => {
    const result = await aegis(['check', '--policy', policy('not-a-policy.mjs')]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: usage('check', 'the policy module exports no policy: export `policy` (from aegis()) or its options, or a default export.') });
  });

  it('exits 2 for a --policy file that does not exist, naming it (regression: Node\'s module-resolution error)', async () => {
    const result = await aegis(['check', '--policy', 'test/fixtures/policies/missing.js']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: usage('check', `policy file not found: ${policy('missing.js')}`) });
  });

  it('exits 2 for a --policy that is a directory', async () => {
    const result = await aegis(['check', '--policy', 'test/fixtures/policies']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: usage('check', `policy file is not a file: ${POLICIES}`) });
  });

  it('exits 1, not 2, for a module that throws while it loads (throws.mjs): "could not load", no help pointer', async () => {
    const result = await aegis(['check', '--policy', policy('throws.mjs')]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `aegis check: could not load ${policy('throws.mjs')}: the database is not reachable\n` });
  });

  it('exits 1 for a module with a syntax error, naming the error', async () => {
    const dir = policyDirectory('syntax-error', "export const policy = {\n  hosts: ['app.example.test'],\n");
    const result = await aegis(['check', '--json'], { cwd: dir });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `aegis check: could not load ${join(dir, 'aegis.policy.mjs')}: SyntaxError: Unexpected end of input\n` });
  });

  it('finds aegis.policy.mjs in the working directory (a plain options object)', async () => {
    const dir = policyDirectory('discovery', "export const policy = { hosts: ['app.example.test'] };\n");
    const { code, report } = await checkJson([], {}, dir);
    expect(report.policy).toBe(join(dir, 'aegis.policy.mjs'));
    expect(idsOf(report)).toEqual(['AEGIS-W014', 'AEGIS-I001']); // no serve export; default HSTS
    expect(code).toBe(1);
  });

  it('exits 2 when the working directory has no policy module, listing every name looked for', async () => {
    const dir = directory('empty');
    const result = await aegis(['check'], { cwd: dir });
    const names = 'aegis.policy.js, aegis.policy.mjs, aegis.policy.cjs, aegis.policy.ts, aegis.policy.mts, aegis.policy.cts';
    expect(result).toEqual({ code: 2, stdout: '', stderr: usage('check', `no policy module in ${dir} (looked for ${names}): pass --policy <file>, or create one of them.`) });
    expect(POLICY_MODULE_NAMES.join(', ')).toBe(names);
  });
});

describe('aegis check: TLS from a PKCS#12 bundle (pfx.mjs)', () => {
  it('reports a wrong passphrase as AEGIS-E002, naming the file and the variable, never the value', async () => {
    const env = { FIXTURE_PFX: pfxPath, FIXTURE_PFX_PASSPHRASE: WRONG_PFX_PASSPHRASE };
    const { code, report } = await checkJson(['--policy', policy('pfx.mjs')], env);
    const e002 = report.findings.filter((f) => f.id === 'AEGIS-E002');
    expect(e002.map((f) => f.message)).toEqual([`The PKCS#12 bundle ${pfxPath} could not be opened with the passphrase in FIXTURE_PFX_PASSPHRASE: wrong passphrase, or not a PKCS#12 file.`]);
    expect(code).toBe(1);
    for (const mode of [[], ['--json']]) {
      const { stdout, stderr } = await aegis(['check', '--policy', policy('pfx.mjs'), ...mode], { env });
      expect(stdout + stderr).not.toContain(WRONG_PFX_PASSPHRASE);
      expect(stdout + stderr).not.toContain(PFX_PASSPHRASE);
    }
  });

  it('reports an unset passphrase variable as AEGIS-E002', async () => {
    const { report } = await checkJson(['--policy', policy('pfx.mjs')], { FIXTURE_PFX: pfxPath });
    expect(report.findings.filter((f) => f.id === 'AEGIS-E002').map((f) => f.message)).toEqual([
      `The PKCS#12 bundle ${pfxPath} needs its passphrase in the environment variable FIXTURE_PFX_PASSPHRASE, which is not set.`,
    ]);
  });

  it('opens the bundle with the right passphrase: no E002, and the self-signed leaf is seen (W013)', async () => {
    const { report } = await checkJson(['--policy', policy('pfx.mjs')], { FIXTURE_PFX: pfxPath, FIXTURE_PFX_PASSPHRASE: PFX_PASSPHRASE });
    expect(idsOf(report)).toEqual(['AEGIS-W013', 'AEGIS-I001']);
  });
});

describe('aegis check: TLS options', () => {
  const E002_FIX =
    "give tls: { cert: '/path/to/cert.pem', key: '/path/to/key.pem' } (PEM files), or tls: { pfx: '/path/to/bundle.pfx' } for a PKCS#12 bundle (its passphrase in AEGIS_TLS_PASSPHRASE, or the variable named by passphraseEnv).";

  it('reports a tls option without cert (tls-no-cert.mjs) as AEGIS-E002 naming serve.tls.cert, exit 1 (regression: Node\'s "paths[1]" TypeError)', async () => {
    const result = await aegis(['check', '--json', '--policy', policy('tls-no-cert.mjs')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.findings).toEqual([{ id: 'AEGIS-E002', severity: 'error', title: 'certificate unreadable', message: 'serve.tls.cert is not set.', fix: E002_FIX }]);
  });

  it.each([
    ['{ cert: undefined, key: "x.key" }', 'serve.tls.cert is not set.'],
    ['{}', 'serve.tls.cert is not set; serve.tls.key is not set.'],
    ['{ cert: "x.crt", key: 42 }', 'serve.tls.key is 42, not a file path.'],
    ['{ pfx: "x.pfx", cert: "x.crt" }', 'serve.tls has both pfx and cert: a PKCS#12 bundle already holds the certificate and key.'],
    ['true', 'serve.tls is true, not { cert, key }, { pfx } or false.'],
  ])('reports tls: %s as AEGIS-E002: %s', async (tls, message) => {
    const dir = policyDirectory(`tls-${tls.replace(/\W+/g, '-')}`, `export const policy = { hosts: ['app.example.test'] };\nexport const serve = { tls: ${tls} };\n`);
    const { code, report, stderr } = await checkJson([], {}, dir);
    expect(report.findings.filter((f) => f.id === 'AEGIS-E002').map((f) => [f.message, f.fix])).toEqual([[message, E002_FIX]]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });

  it('exits 2 for a serve export that is not an object', async () => {
    const dir = policyDirectory('serve-null', "export const policy = { hosts: ['app.example.test'] };\nexport const serve = null;\n");
    const result = await aegis(['check'], { cwd: dir });
    expect(result).toEqual({ code: 2, stdout: '', stderr: usage('check', "the policy module's `serve` export is null: export the serve options object ({ tls, redirectPort, … }), or nothing.") });
  });

  it('names the certificate file at fault when OpenSSL refuses a damaged chain', async () => {
    const dir = directory('damaged-chain');
    const pem = readFileSync(strongEnv.FIXTURE_CERT ?? '', 'utf8');
    writeFileSync(join(dir, 'chain.pem'), `${pem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    const { report } = await checkJson(['--policy', policy('strong.mjs')], { ...strongEnv, FIXTURE_CERT: join(dir, 'chain.pem') });
    expect(report.findings.map((f) => [f.id, f.message])).toEqual([['AEGIS-E002', `The certificate file ${join(dir, 'chain.pem')} was refused by OpenSSL (wrong tag): it must hold only PEM certificates, the server's first.`]]);
  });

  it('names the key file when the key is encrypted', async () => {
    const dir = directory('encrypted-key');
    const key = join(dir, 'encrypted.pem');
    execFileSync('openssl', ['pkey', '-in', strongEnv.FIXTURE_KEY ?? '', '-aes256', '-passout', 'pass:key-passphrase-5d2a', '-out', key], { stdio: 'pipe' });
    const { report } = await checkJson(['--policy', policy('strong.mjs')], { ...strongEnv, FIXTURE_KEY: key });
    expect(report.findings.map((f) => [f.id, f.message, f.fix])).toEqual([
      [
        'AEGIS-E002',
        `The private key file ${key} is encrypted: Aegis reads unencrypted PEM keys.`,
        `decrypt it (openssl pkey -in ${key} -out key.pem) and keep the result readable by this user only (chmod 600), or use a PKCS#12 bundle with its passphrase in an environment variable.`,
      ],
    ]);
  });

  it('names the certificate file, not the key, when the certificate expired (AEGIS-E003)', async () => {
    const { report } = await checkJson(['--policy', policy('weak.mjs')], weakEnv);
    const validTo = new Date(new X509Certificate(readFileSync(expiredCertificate.cert)).validTo).toISOString();
    expect(report.findings.find((f) => f.id === 'AEGIS-E003')?.message).toBe(`The certificate in ${expiredCertificate.cert} expired on ${validTo}.`);
  });

  it('reports redirectPort: false with TLS served directly as AEGIS-W004 (redirect-off.mjs), exit 1', async () => {
    const { code, report } = await checkJson(['--policy', policy('redirect-off.mjs')], strongEnv);
    expect(report.findings).toEqual([
      {
        id: 'AEGIS-W004',
        severity: 'warning',
        title: 'no HTTPS redirect',
        message: 'Aegis serves TLS itself and redirectPort: false turns off its plain-HTTP listener: http:// requests get no answer instead of a redirect to HTTPS.',
        fix: 'remove redirectPort: false (production listens on port 80 and redirects), or redirect port 80 to HTTPS with something else.',
      },
    ]);
    expect(code).toBe(1);
  });

  it('accepts redirectPort: false with --fail-on error (a warning)', async () => {
    const { code } = await checkJson(['--policy', policy('redirect-off.mjs'), '--fail-on', 'error'], strongEnv);
    expect(code).toBe(0);
  });
});

describe('aegis check: configuration schema problems (secrets.mjs)', () => {
  it("reports each once, named after the variable or the ring's key, with loadConfig's fix", async () => {
    const ring = `${generateSecret()} changeme`;
    const { code, report } = await checkJson(['--policy', policy('secrets.mjs')], { PORT: 'http', SIGNING_KEYS: ring, SESSION_SECRET: 'changeme' });
    expect(report.findings.map((f) => [f.id, f.message, f.fix])).toEqual([
      ['AEGIS-E009', 'key 2 of 2 in SIGNING_KEYS: a known placeholder; only 22 bits of entropy (at least 256 are needed).', 'replace key 2 of 2 in SIGNING_KEYS with a new value from `npx aegis secret`.'],
      ['AEGIS-E009', 'SESSION_SECRET: a known placeholder; only 22 bits of entropy (at least 256 are needed).', 'set SESSION_SECRET to a new value from `npx aegis secret`.'],
      ['AEGIS-E009', 'SESSION_SECRET: the same value as key 2 of 2 in SIGNING_KEYS; every secret must be different.', 'set SESSION_SECRET to a new value from `npx aegis secret`.'],
      ['AEGIS-E010', 'PORT: "http" is not a port number (0 to 65535).', 'set PORT to a port such as 3000.'],
    ]);
    expect(code).toBe(1);
  });
});

describe('aegis check: options', () => {
  it('exits 2 for --env staging', async () => {
    const { code, stderr } = await aegis(['check', '--policy', policy('strong.mjs'), '--env', 'staging']);
    expect(code).toBe(2);
    expect(stderr).toBe(usage('check', '--env must be one of development, test, production, not "staging".'));
  });

  it('exits 2 for an unknown --fail-on level, naming the allowed ones', async () => {
    const result = await aegis(['check', '--policy', policy('strong.mjs'), '--fail-on', 'warnings']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: usage('check', '--fail-on must be one of error, warning, info, never, not "warnings".') });
  });

  it.each([
    ['error', 1], // E003 and friends
    ['warning', 1],
    ['info', 1],
    ['never', 0],
  ])('--fail-on %s on weak.mjs exits %i', async (level, expected) => {
    const { code } = await aegis(['check', '--policy', policy('weak.mjs'), '--fail-on', level], { env: weakEnv });
    expect(code).toBe(expected);
  });

  it.each([
    ['error', 0],
    ['warning', 0],
    ['info', 1],
  ])('--fail-on %s with only a note (typescript.ts) exits %i', async (level, expected) => {
    const { code } = await aegis(['check', '--policy', policy('typescript.ts'), `--fail-on=${level}`]);
    expect(code).toBe(expected);
  });

  it('exits 2 for an unknown option, pointing at the help', async () => {
    const { code, stdout, stderr } = await aegis(['check', '--colour']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^aegis check: Unknown option '--colour'/);
    expect(stderr.endsWith('Run `aegis check --help` for usage.\n')).toBe(true);
  });
});

describe('aegis check: colours (in process)', () => {
  const source = "export const policy = { hosts: ['app.example.test'], headers: { strictTransportSecurity: false } };\n";

  it('colours severities and ids on a terminal', async () => {
    const dir = policyDirectory('colour', source);
    const { io, stdout } = recordingIo({ NODE_ENV: 'production' }, dir, true);
    expect(await main(['check'], io, VERSION)).toBe(1);
    expect(stdout()).toContain(`${ANSI}1mAEGIS-E005${ANSI}0m ${ANSI}31merror  ${ANSI}0m HSTS off`);
    expect(stdout()).toContain(`${ANSI}1mAEGIS-W014${ANSI}0m ${ANSI}33mwarning${ANSI}0m TLS not described`);
  });

  it('writes no colour on a terminal when NO_COLOR is set', async () => {
    const dir = policyDirectory('no-colour', source);
    const { io, stdout } = recordingIo({ NODE_ENV: 'production', NO_COLOR: '1' }, dir, true);
    expect(await main(['check'], io, VERSION)).toBe(1);
    expect(stdout()).toContain('AEGIS-E005 error   HSTS off');
    expect(stdout()).not.toContain(ANSI);
  });

  it('colours again when NO_COLOR is empty (no-color.org: "present and not empty")', async () => {
    const dir = policyDirectory('no-colour-empty', source);
    const { io, stdout } = recordingIo({ NODE_ENV: 'production', NO_COLOR: '' }, dir, true);
    expect(await main(['check'], io, VERSION)).toBe(1);
    expect(stdout()).toContain(`${ANSI}1mAEGIS-E005${ANSI}0m`);
  });

  it('writes no colour in the JSON report, even on a terminal', async () => {
    const dir = policyDirectory('colour-json', source);
    const { io, stdout } = recordingIo({ NODE_ENV: 'production' }, dir, true);
    expect(await main(['check', '--json'], io, VERSION)).toBe(1);
    expect(stdout()).not.toContain(ANSI);
  });
});

// ---------------------------------------------------------------------------------------------
// aegis, aegis --version, help

describe('aegis: version and help', () => {
  it("prints package.json's version", async () => {
    expect(await aegis(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(await aegis(['-v'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('prints the usage on stdout for --help, -h and help, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) expect(await aegis(args)).toEqual({ code: 0, stdout: MAIN_HELP, stderr: '' });
    expect(MAIN_HELP).toMatch(/^Usage: aegis <command> \[options\]\n/);
    for (const command of ['check', 'secret', 'cert']) expect(MAIN_HELP).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it.each([
    ['check', CHECK_HELP],
    ['secret', SECRET_HELP],
    ['cert', CERT_HELP],
  ])('prints the usage of aegis help %s, exit 0', async (command, help) => {
    expect(await aegis(['help', command])).toEqual({ code: 0, stdout: help, stderr: '' });
  });

  it('names every policy module extension in aegis check --help', () => {
    expect(CHECK_HELP).toContain('--policy <file>      the policy module (.js, .mjs, .cjs, .ts, .mts, .cts)');
    expect(CHECK_HELP).toContain('of aegis.policy.js, .mjs, .cjs, .ts, .mts, .cts in the current directory.');
    expect(CHECK_HELP).toContain('--fail-on <level>    exit 1 when a finding is at least: error, warning (default) or info;');
  });

  it.each([
    ['check', CHECK_HELP],
    ['secret', SECRET_HELP],
    ['cert', CERT_HELP],
  ])('prints the usage of aegis %s --help, exit 0', async (command, help) => {
    expect(await aegis([command, '--help'])).toEqual({ code: 0, stdout: help, stderr: '' });
  });

  it('prints the usage on stderr, not stdout, and exits 2 without a command (a usage error)', async () => {
    expect(await aegis([])).toEqual({ code: 2, stdout: '', stderr: MAIN_HELP });
  });

  it('exits 2 for an unknown command', async () => {
    expect(await aegis(['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'aegis: unknown command "frobnicate".\nRun `aegis --help` for usage.\n' });
    expect(await aegis(['help', 'frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'aegis: unknown command "frobnicate".\nRun `aegis --help` for usage.\n' });
  });

  it('exits 2 for an option of another command, on stderr only', async () => {
    expect(await aegis(['secret', '--dev'])).toEqual({
      code: 2,
      stdout: '',
      stderr: usage('secret', "Unknown option '--dev'"),
    });
  });
});

// ---------------------------------------------------------------------------------------------
// aegis secret

describe('aegis secret', () => {
  it('prints one line of 43 base64url characters (32 bytes)', async () => {
    const { code, stdout } = await aegis(['secret']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
  });

  it('prints 128 hex characters for --format hex --bytes 64', async () => {
    const { code, stdout } = await aegis(['secret', '--format', 'hex', '--bytes', '64']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[0-9a-f]{128}\n$/);
  });

  it('refuses --bytes 16 with exit 2 and a message naming the minimum, 32', async () => {
    const { code, stdout, stderr } = await aegis(['secret', '--bytes', '16']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^aegis secret: --bytes: 16 is not a whole number of bytes from 32 to 1024/);
    expect(stderr.endsWith('Run `aegis secret --help` for usage.\n')).toBe(true);
  });

  it('refuses --format base32 with exit 2', async () => {
    const { code, stdout, stderr } = await aegis(['secret', '--format', 'base32']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^aegis secret: --format: "base32" is not a secret format/);
  });

  it('prints a different secret each run', async () => {
    const [first, second] = await Promise.all([aegis(['secret']), aegis(['secret'])]);
    expect(first?.stdout).not.toBe(second?.stdout);
  });
});

// ---------------------------------------------------------------------------------------------
// aegis cert

describe('aegis cert', () => {
  it('creates dev-cert.pem and dev-key.pem (mode 0600) with --dev --out, then reuses them', async () => {
    const out = join(directory('cert'), 'dev');
    const first = await aegis(['cert', '--dev', '--out', out]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Created the development certificate/);
    expect(readFileSync(join(out, 'dev-cert.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(statSync(join(out, 'dev-key.pem')).mode & 0o777).toBe(0o600);

    const second = await aegis(['cert', '--dev', '--out', out]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Reusing the development certificate/);
  });

  it('exits 2 without --dev', async () => {
    expect(await aegis(['cert'], { cwd: directory('cert-no-dev') })).toEqual({
      code: 2,
      stdout: '',
      stderr: usage('cert', 'only development certificates are made here: pass --dev. Production certificates come from a CA.'),
    });
  });

  it('exits 1 naming the directory when it cannot be made', async () => {
    const dir = directory('cert-blocked');
    writeFileSync(join(dir, 'file'), '');
    const result = await aegis(['cert', '--dev', '--out', 'file/dev'], { cwd: dir });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `aegis cert: could not make the development certificate in ${join(dir, 'file', 'dev')}: ENOTDIR: not a directory, mkdir '${join(dir, 'file', 'dev')}'\n` });
  });

  it('exits 1 for a directory the kernel will not create (under /proc), where recursive mkdir never returns', async () => {
    const result = await aegis(['cert', '--dev', '--out', '/proc/aegis-cert-test']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: "aegis cert: could not make the development certificate in /proc/aegis-cert-test: ENOENT: no such file or directory, mkdir '/proc/aegis-cert-test'\n" });
  });
});
