import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ANSI_COLOUR } from '../../checks/report.js';
import { PROFILES } from '../../core/profile.js';
import { expectedHeaders, policyDrift } from '../../scan/drift/index.js';
import { GRADES, type Grade } from '../../scan/grade/letters.js';
import { formatScanHtml, formatScanJson, formatScanSarif, formatScanText } from '../../scan/report/index.js';
import type { ScanReport } from '../../scan/result.js';
import type { ScanOptions } from '../../scan/run/options.js';
import { scanAll, scanTargetUrl } from '../../scan/run/scan.js';
import { colours, messageOf, oneOf, UsageError, type CommandIo } from '../io.js';
import { loadExpectedPolicy, locatePolicyModule } from '../policy-module.js';
import { progressDisplay } from '../scan-progress.js';

export const SCAN_HELP = `Usage: aegis scan <url...> [options]

Audits each site from outside, as a visitor's browser and an attacker see it: TLS versions and
cipher suites (legacy ones included), the certificate, the redirect from http://, HSTS and preload
eligibility, security headers, CSP, cookies, CORS, the page's content and exposed files. Prints a
grade (A+ to F) and every finding with its id (see docs/scan-findings.md), evidence and fix.

Options:
  --format <format>    text (default), json (docs/scan-result.schema.json), sarif (SARIF 2.1.0)
                       or html (one self-contained file)
  -o, --output <file>  write the report to <file> instead of stdout
  --fail-under <grade> exit 1 when a target grades below <grade> (A+, A, A-, B, C, D, E, F)
  --expect <file>      a policy module (as for aegis check): report every header the site serves
                       differently from that policy; any difference exits 1
  --env <profile>      the profile the --expect policy is built for: production (default), test
                       or development
  --ca <file>          trust the CA certificates in this PEM file instead of the system store
  --http-port <port>   the plain-HTTP port whose redirect to HTTPS is checked (default 80);
                       none: skip the redirect checks
  --no-tls             skip the TLS version, cipher-suite and key-exchange-group enumeration
  --timeout <ms>       deadline of each probe (default 5000)
  --concurrency <n>    targets scanned at once (default 2)
  -h, --help           show this help

Colour only on a terminal and never with NO_COLOR; a progress line on stderr when it is a terminal.
Exit codes: 0 every target scanned and none below --fail-under or drifting from --expect; 1 a
target below --fail-under, or drift from --expect; 2 usage error, or a target unreachable.
`;

const FORMATS = ['text', 'json', 'sarif', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** `aegis scan`. */
export async function runScan(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout.write(SCAN_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('give at least one URL to scan, e.g. aegis scan https://example.com/');
  for (const target of positionals) {
    try {
      scanTargetUrl(target);
    } catch (error) {
      throw new UsageError(messageOf(error));
    }
  }
  const format = oneOf(FORMATS, values.format, '--format');
  const failUnder = values['fail-under'] === undefined ? undefined : oneOf(GRADES, values['fail-under'], '--fail-under');
  const options = await scanOptions(values, io);
  const progress = progressDisplay(io.stderr, positionals.length);
  let report: ScanReport;
  try {
    report = await scanAll(positionals, { ...options, toolVersion: io.version ?? 'unknown', onProgress: progress.update });
  } finally {
    progress.done();
  }

  const text = render(report, format, io);
  if (values.output === undefined) io.stdout.write(text);
  else {
    const file = resolve(io.cwd, values.output);
    writeFileSync(file, text);
    io.stderr.write(`aegis scan: ${format} report written to ${file}\n`);
  }
  return exitCode(report, failUnder, io);
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        output: { type: 'string', short: 'o' },
        'fail-under': { type: 'string' },
        expect: { type: 'string' },
        env: { type: 'string', default: 'production' },
        ca: { type: 'string' },
        'http-port': { type: 'string', default: '80' },
        'no-tls': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '5000' },
        concurrency: { type: 'string', default: '2' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}

type Values = ReturnType<typeof parse>['values'];

/** The library options from the command line; files are read here so a missing one is a usage error. */
async function scanOptions(values: Values, io: CommandIo): Promise<ScanOptions & { concurrency: number }> {
  const httpPort = values['http-port'] === 'none' ? false : integer(values['http-port'], '--http-port', 1, 65535);
  const options: ScanOptions & { concurrency: number } = {
    timeoutMs: integer(values.timeout, '--timeout', 1, 600_000),
    concurrency: integer(values.concurrency, '--concurrency', 1, 64),
    httpPort,
    tls: !values['no-tls'],
    ...(values.ca === undefined ? {} : { ca: readCa(resolve(io.cwd, values.ca)) }),
  };
  if (values.expect === undefined) return options;
  const profile = oneOf(PROFILES, values.env, '--env');
  const policy = await loadExpectedPolicy(locatePolicyModule(io.cwd, values.expect), { ...io.env, AEGIS_ENV: profile });
  return { ...options, drift: (served, page) => policyDrift(served, expectedHeaders(policy, { https: page.protocol === 'https:', path: page.pathname })) };
}

function readCa(file: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    throw new UsageError(`--ca: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}

function render(report: ScanReport, format: Format, io: CommandIo): string {
  switch (format) {
    case 'json':
      return formatScanJson(report);
    case 'sarif':
      return formatScanSarif(report);
    case 'html':
      return formatScanHtml(report);
    case 'text':
      return formatScanText(report, { color: colours(io) === ANSI_COLOUR });
  }
}

/**
 * 2 when a target was unreachable (its error on stderr), else 1 when one grades below `failUnder`
 * or drifts from the expected policy (each said on stderr), else 0.
 */
function exitCode(report: ScanReport, failUnder: Grade | undefined, io: CommandIo): number {
  let code = 0;
  for (const result of report.results) {
    if (result.outcome === 'unreachable') {
      io.stderr.write(`aegis scan: ${result.target} is unreachable: ${result.error ?? 'no answer'}\n`);
      code = 2;
      continue;
    }
    const grade = result.grade?.overall.grade;
    if (failUnder !== undefined && grade !== undefined && GRADES.indexOf(grade) > GRADES.indexOf(failUnder)) {
      io.stderr.write(`aegis scan: ${result.target} grades ${grade}, below --fail-under ${failUnder}\n`);
      code = Math.max(code, 1);
    }
    if (result.drift !== undefined && result.drift.length > 0) {
      io.stderr.write(`aegis scan: ${result.target} differs from the expected policy in ${result.drift.length} header${result.drift.length === 1 ? '' : 's'}\n`);
      code = Math.max(code, 1);
    }
  }
  return code;
}

function integer(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${option} must be a whole number from ${min} to ${max}, not "${text}".`);
  return value;
}
