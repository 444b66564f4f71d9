// npm run bench (BENCH_ONLY=scan): wall time of a full `scan()` of a local HTTPS site, TLS
// enumeration included, against testssl.sh from Debian's packages on the same server, in the same
// run; then the protocol and cipher verdicts of both tools side by side.
//
// Three targets, each a node:https server in a child process with a plain-HTTP port that redirects
// to it (the redirect check has something to follow):
// - modern: EC P-256 certificate, TLS 1.2 + 1.3, ECDHE AEAD suites (Mozilla "intermediate").
// - legacy: RSA 2048 certificate, TLS 1.0 to 1.3, ECDHE/DHE/RSA key exchange with CBC and GCM
//   suites (Mozilla "old" without DES-CBC3-SHA, which Node's OpenSSL does not build), `@SECLEVEL=0`.
// - everything: RSA 2048 certificate, TLS 1.0 to 1.3, `ALL:@SECLEVEL=0`: every suite this OpenSSL
//   can serve with an RSA key (ARIA, CCM, Camellia, anonymous DH…).
// Both certificates are made with openssl for this run and trusted by both tools (`ca` for the
// scan, `--add-ca` for testssl), so neither spends its time on an untrusted chain differently.
//
// Each round times, in alternating order: (a) `scan(url, { ca, httpPort })` in this process (the
// library, as a program embedding it runs it); (b) the same scan in a fresh `node` process (startup
// and module loading included, as a command-line run pays them); (c) exactly
// `testssl -p -S -h -U` (plus its output and trust options, no other test). The ratio of a round
// compares runs seconds apart, so the shared machine's drift mostly cancels; medians over rounds are
// reported with the spread. testssl's -p gives its protocol verdicts; -p -S -h -U does not list the
// suites per protocol, so a SEPARATE, untimed run of `testssl -E` (cipher per protocol) gives the
// suites compared with the scan's. The bench exits non-zero when a verdict disagrees.
//
// Runs alone (`node bench/scan-vs-testssl.mjs`, snapshotting dist/ itself) or from bench/run.mjs.
import { fork, spawnSync } from 'node:child_process';
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const TESTSSL_TIMEOUT_MS = 15 * 60_000;

/** The two servers: a TLS configuration each (cipher strings are OpenSSL's). */
const TARGETS = {
  modern: {
    key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    tls: {
      minVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
    },
  },
  legacy: {
    key: ['-newkey', 'rsa:2048'],
    tls: {
      minVersion: 'TLSv1',
      honorCipherOrder: true,
      dhparam: 'auto',
      ciphers:
        'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:' +
        'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:' +
        'ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:' +
        'ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:' +
        'AES128-SHA:AES256-SHA:@SECLEVEL=0',
    },
  },
  // Every suite this OpenSSL serves with an RSA certificate (ARIA, CCM, Camellia, anonymous DH…):
  // the scan's suite table must know them all to agree with testssl.
  everything: {
    key: ['-newkey', 'rsa:2048'],
    tls: { minVersion: 'TLSv1', dhparam: 'auto', ciphers: 'ALL:@SECLEVEL=0' },
  },
};

// ---- the server (this file run as a child: `node scan-vs-testssl.mjs serve <target> <cert> <key>`)

const PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Aegis bench</title></head><body><h1>Hello</h1><p>A page to scan.</p></body></html>\n';
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function serveTarget(name, certFile, keyFile) {
  const site = https.createServer({ ...TARGETS[name].tls, cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
    if (req.url === '/' && (req.method === 'GET' || req.method === 'HEAD')) res.writeHead(200, PAGE_HEADERS).end(req.method === 'HEAD' ? undefined : PAGE);
    else res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end('Not found\n');
  });
  site.listen(0, '127.0.0.1', () => {
    const httpsPort = site.address().port;
    const redirect = http.createServer((req, res) => res.writeHead(301, { location: `https://127.0.0.1:${httpsPort}${req.url}` }).end());
    redirect.listen(0, '127.0.0.1', () => process.send({ ready: { httpsPort, httpPort: redirect.address().port } }));
  });
  process.on('disconnect', () => process.exit(0));
}

// ---- helpers

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const have = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

function makeCertificate(work, name) {
  const cert = join(work, `${name}-cert.pem`);
  const key = join(work, `${name}-key.pem`);
  const made = spawnSync(
    'openssl',
    ['req', '-x509', ...TARGETS[name].key, '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make the ${name} certificate:\n${made.stderr}`);
  return { cert, key };
}

function startTarget(name, files) {
  const child = fork(fileURLToPath(import.meta.url), ['serve', name, files.cert, files.key], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} server exited with ${code}`)));
    child.once('message', (message) => resolve({ name, child, ...message.ready, ...files }));
  });
}

/** One timed testssl run; its flat JSON findings. */
function runTestssl(work, server, tests, label) {
  const jsonFile = join(work, `testssl-${server.name}-${label}.json`);
  rmSync(jsonFile, { force: true });
  const args = [...tests, '--add-ca', server.cert, '--jsonfile', jsonFile, '--warnings', 'off', '--quiet', '--color', '0', '--ip', 'one', `127.0.0.1:${server.httpsPort}`];
  const started = performance.now();
  const run = spawnSync('testssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: TESTSSL_TIMEOUT_MS, maxBuffer: 64 << 20 });
  const ms = performance.now() - started;
  // testssl 3.0's exit status adds up its checks' return codes (non-zero when a check found
  // something); 242 and above are its own errors (no connection, bad options, no openssl…).
  if (run.error || run.status === null || run.status >= 242 || !existsSync(jsonFile)) {
    throw new Error(`testssl ${args.join(' ')} failed (status ${run.status}${run.error ? `, ${run.error.message}` : ''}):\n${run.stderr}\n${run.stdout.slice(-2000)}`);
  }
  const findings = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const problems = findings.filter((finding) => finding.id === 'scanProblem' || finding.severity === 'FATAL');
  if (!findings.some((finding) => finding.id === 'scanTime')) problems.push({ id: 'scanTime', finding: 'missing: the run did not finish' });
  if (problems.length > 0) throw new Error(`testssl reported problems: ${JSON.stringify(problems)}`);
  return { ms, findings, status: run.status, command: `testssl ${args.join(' ')}` };
}

/** The scan in this process, checked to be a full one. */
async function runScanInProcess(scan, server) {
  const ca = readFileSync(server.cert);
  const started = performance.now();
  const result = await scan(`https://127.0.0.1:${server.httpsPort}/`, { ca, httpPort: server.httpPort });
  const ms = performance.now() - started;
  checkFullScan(result, server);
  return { ms, result };
}

/** The same scan in a fresh node process (startup and module loading timed too). */
function runScanInNewProcess(work, server) {
  const script =
    `import { readFileSync } from 'node:fs'; import { scan } from ${JSON.stringify(pathToFileURL(join(work, 'dist/esm/scan/index.js')).href)};` +
    `const result = await scan(process.argv[1], { ca: readFileSync(process.argv[2]), httpPort: Number(process.argv[3]) });` +
    `process.stdout.write(JSON.stringify({ outcome: result.outcome, errors: result.errors, redirects: result.redirects.length, tls: result.tls !== undefined }));`;
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, `https://127.0.0.1:${server.httpsPort}/`, server.cert, String(server.httpPort)], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`scan in a new process failed:\n${run.stderr}`);
  const summary = JSON.parse(run.stdout);
  if (summary.outcome !== 'scanned' || summary.errors.length > 0 || summary.redirects === 0 || !summary.tls) throw new Error(`scan in a new process was not a full scan: ${run.stdout}`);
  return { ms };
}

function checkFullScan(result, server) {
  const problems = [];
  if (result.outcome !== 'scanned') problems.push(`outcome ${result.outcome} (${result.error})`);
  if (result.errors?.length > 0) problems.push(`errors: ${result.errors.join('; ')}`);
  if (result.tls === undefined) problems.push('no TLS result');
  if (!result.categoriesScanned?.includes('tls')) problems.push('TLS not among the categories scanned');
  if (!(result.redirects?.length > 0)) problems.push(`no redirect chain from http port ${server.httpPort}`);
  if (result.tls && result.tls.certificate.trusted !== true) problems.push(`certificate not trusted: ${JSON.stringify(result.tls.certificate)}`);
  if (problems.length > 0) throw new Error(`scan of ${server.name} was not a full scan: ${problems.join('; ')}`);
}

// ---- verdicts

/** [aegis name, testssl protocol id, testssl -E cipher id prefix] */
const VERSIONS = [
  ['SSLv3', 'SSLv3', 'ssl3'],
  ['TLSv1.0', 'TLS1', 'tls1'],
  ['TLSv1.1', 'TLS1_1', 'tls1_1'],
  ['TLSv1.2', 'TLS1_2', 'tls1_2'],
  ['TLSv1.3', 'TLS1_3', 'tls1_3'],
];

/** testssl's protocol finding as offered (true), not offered (false) or the text when neither. */
function offered(findings, id) {
  const finding = findings.find((entry) => entry.id === id)?.finding;
  if (finding === undefined) return 'missing';
  if (/^not offered/.test(finding)) return false;
  if (/^offered/.test(finding)) return true;
  return `unclear: ${finding}`;
}

/** testssl -E: suite codes per protocol id prefix, with their IANA names (the finding's last column). */
function testsslCiphers(findings) {
  const byVersion = new Map();
  for (const { id, finding } of findings) {
    const match = /^cipher-(ssl2|ssl3|tls1|tls1_1|tls1_2|tls1_3)_x([0-9a-f]+)$/i.exec(id);
    if (!match) continue;
    const list = byVersion.get(match[1]) ?? [];
    list.push({ code: Number.parseInt(match[2], 16), name: finding.trim().split(/\s+/).pop() });
    byVersion.set(match[1], list);
  }
  return byVersion;
}

const hex = (code) => `0x${code.toString(16).padStart(4, '0')}`;

/** Compares one target's verdicts: protocol rows and cipher rows, each with `agree`. */
function compareVerdicts(scanResults, protocolRuns, cipherRun, codeOf) {
  const protocols = [];
  const ciphers = [];
  const show = (verdicts) => verdicts.map((v) => (v === true ? 'offered' : v === false ? 'not offered' : v)).join(' / ');
  // The scan does not probe SSLv2 (Node's servers cannot speak it); testssl's verdict is shown, and
  // only "offered" would count as a disagreement.
  const ssl2 = [...new Set(protocolRuns.map((findings) => offered(findings, 'SSLv2')))];
  protocols.push({ version: 'SSLv2', aegis: 'not probed', testssl: show(ssl2), agree: ssl2.length === 1 && ssl2[0] === false ? 'n/a' : 'NO' });
  const testsslSuites = testsslCiphers(cipherRun.findings);
  for (const [name, protocolId, cipherId] of VERSIONS) {
    const aegisVerdicts = [...new Set(scanResults.map((result) => (result.tls.versions[name].error ? `error: ${result.tls.versions[name].error}` : result.tls.versions[name].accepted)))];
    const testsslVerdicts = [...new Set(protocolRuns.map((findings) => offered(findings, protocolId)))];
    const agree = aegisVerdicts.length === 1 && testsslVerdicts.length === 1 && aegisVerdicts[0] === testsslVerdicts[0];
    protocols.push({ version: name, aegis: show(aegisVerdicts), testssl: show(testsslVerdicts), agree: agree ? 'yes' : 'NO' });

    const lists = scanResults.map((result) => result.tls.versions[name].ciphers ?? []);
    const aegisSets = [...new Set(lists.map((list) => [...list].sort().join(',')))];
    const aegisCodes = new Map(lists[0].map((cipher) => [codeOf(cipher), cipher]));
    const complete = scanResults.every((result) => result.tls.versions[name].ciphersComplete !== false);
    const theirs = new Map((testsslSuites.get(cipherId) ?? []).map((cipher) => [cipher.code, cipher.name]));
    const onlyAegis = [...aegisCodes].filter(([code]) => !theirs.has(code)).map(([code, cipher]) => `${cipher} (${hex(code)})`);
    const onlyTestssl = [...theirs].filter(([code]) => !aegisCodes.has(code)).map(([code, cipher]) => `${cipher} (${hex(code)})`);
    const same = aegisSets.length === 1 && complete && onlyAegis.length === 0 && onlyTestssl.length === 0;
    ciphers.push({
      version: name,
      aegis: aegisCodes.size,
      testssl: theirs.size,
      agree: same ? 'yes' : 'NO',
      differences: [
        ...(aegisSets.length > 1 ? [`scan rounds differ: ${aegisSets.join(' | ')}`] : []),
        ...(complete ? [] : ['scan enumeration incomplete']),
        ...onlyAegis.map((cipher) => `only aegis: ${cipher}`),
        ...onlyTestssl.map((cipher) => `only testssl: ${cipher}`),
      ],
      suites: [...aegisCodes.values()],
    });
  }
  return { protocols, ciphers };
}

// ---- the part

/**
 * Runs the comparison against the build snapshotted in `work` (dist/, package.json, node_modules).
 * Returns `{ skipped }` when testssl or openssl is missing, otherwise `{ ok, markdown, results }`.
 */
export async function scanVsTestssl({ work, rounds = Number(process.env.BENCH_SCAN_ROUNDS ?? 3) }) {
  for (const [command, install, note] of [
    ['testssl', 'apt-get install testssl.sh', 'the Debian/Ubuntu package; it provides /usr/bin/testssl'],
    ['openssl', 'apt-get install openssl', 'testssl.sh depends on it too'],
  ]) {
    if (!have(command)) return { skipped: `scan vs testssl skipped: ${command} is not installed; install it with \`${install}\` (${note}) and run the bench again (it installs nothing)` };
  }
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`BENCH_SCAN_ROUNDS must be a positive integer, not ${process.env.BENCH_SCAN_ROUNDS}`);
  const testsslVersion = /testssl\s+(\d[\w.-]*)/.exec(spawnSync('testssl', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  const opensslVersion = spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim();
  const { scan } = await import(pathToFileURL(join(work, 'dist/esm/scan/index.js')).href);
  const { CIPHER_SUITES } = await import(pathToFileURL(join(work, 'dist/esm/scan/tls/cipher-suites.js')).href);
  const codes = new Map(CIPHER_SUITES.map((suite) => [suite.name, suite.code]));
  const codeOf = (name) => codes.get(name) ?? Number.parseInt(name, 16);
  console.error(`bench: scan vs testssl ${testsslVersion} (${opensslVersion}; node ${process.version}, OpenSSL ${process.versions.openssl} for the servers), ${rounds} rounds per target, order alternating`);

  const results = [];
  let ok = true;
  for (const name of Object.keys(TARGETS)) {
    const server = await startTarget(name, makeCertificate(work, name));
    try {
      const timed = [];
      const scanResults = [];
      const protocolRuns = [];
      let command;
      for (let round = 0; round < rounds; round++) {
        const measure = {
          aegis: async () => {
            const { ms, result } = await runScanInProcess(scan, server);
            scanResults.push(result);
            return ms;
          },
          'aegis (new process)': async () => runScanInNewProcess(work, server).ms,
          testssl: async () => {
            const run = runTestssl(work, server, ['-p', '-S', '-h', '-U'], `round${round}`);
            protocolRuns.push(run.findings);
            command = run.command;
            return run.ms;
          },
        };
        const order = round % 2 === 0 ? ['aegis', 'aegis (new process)', 'testssl'] : ['testssl', 'aegis (new process)', 'aegis'];
        const times = {};
        for (const tool of order) times[tool] = await measure[tool]();
        timed.push(times);
        console.error(
          `  ${name}: round ${round + 1}/${rounds}  aegis ${seconds(times.aegis)}, aegis (new process) ${seconds(times['aegis (new process)'])}, ` +
            `testssl ${seconds(times.testssl)}  (testssl/aegis ${(times.testssl / times.aegis).toFixed(1)}x)`,
        );
      }
      const cipherRun = runTestssl(work, server, ['-E'], 'ciphers');
      console.error(`  ${name}: testssl -E (cipher per protocol, untimed comparison run) took ${seconds(cipherRun.ms)}`);
      const verdicts = compareVerdicts(scanResults, protocolRuns, cipherRun, codeOf);
      const agree = [...verdicts.protocols, ...verdicts.ciphers].every((row) => row.agree !== 'NO');
      ok &&= agree;
      const ratios = timed.map((t) => t.testssl / t.aegis);
      const ratiosProcess = timed.map((t) => t.testssl / t['aegis (new process)']);
      results.push({
        target: name,
        url: `https://127.0.0.1:${server.httpsPort}/ (http redirect port ${server.httpPort})`,
        tls: TARGETS[name].tls,
        testsslCommand: command.replace(/\S+\.json/, '<tmp>.json').replace(/--add-ca \S+/, '--add-ca <cert>').replace(/:\d+$/, ':<port>'),
        aegisMs: median(timed.map((t) => t.aegis)),
        aegisProcessMs: median(timed.map((t) => t['aegis (new process)'])),
        testsslMs: median(timed.map((t) => t.testssl)),
        ratio: median(ratios),
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
        ratioProcess: median(ratiosProcess),
        ratioProcessMin: Math.min(...ratiosProcess),
        ratioProcessMax: Math.max(...ratiosProcess),
        cipherRunMs: cipherRun.ms,
        grade: scanResults[0].grade.overall,
        verdicts,
        agree,
        rounds: timed,
      });
    } finally {
      server.child.disconnect();
    }
  }
  return { ok, markdown: report(results, rounds, testsslVersion), results, meta: { testsslVersion, opensslVersion, node: process.version, rounds } };
}

function report(results, rounds, testsslVersion) {
  const x = (ratio) => `${ratio.toFixed(1)}x`;
  const lines = [
    `Full scan of a local HTTPS site, aegis scan() vs testssl ${testsslVersion} \`-p -S -h -U\` (median of ${rounds} rounds, order alternating)`,
    '',
    '| target | aegis scan() | aegis, new node process | testssl -p -S -h -U | testssl / aegis: median (min–max) | testssl / aegis new process | testssl -E alone (1 run) | verdicts agree |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...results.map(
      (r) =>
        `| ${r.target} | ${seconds(r.aegisMs)} | ${seconds(r.aegisProcessMs)} | ${seconds(r.testsslMs)} | ` +
        `**${x(r.ratio)}** (${x(r.ratioMin)}–${x(r.ratioMax)}) | ${x(r.ratioProcess)} (${x(r.ratioProcessMin)}–${x(r.ratioProcessMax)}) | ` +
        `${seconds(r.cipherRunMs)} | ${r.agree ? 'yes' : '**NO**'} |`,
    ),
    '',
    `Timed testssl command: \`${results[0]?.testsslCommand}\`. testssl's -p -S -h -U output lists no suites ` +
      'per protocol: the suites compared come from a separate `testssl -E` run per target, outside the rounds (its time is shown for ' +
      'reference, it is not in the ratios). aegis suites: the full scan\'s `result.tls.versions[v].ciphers`, every round.',
  ];
  for (const r of results) {
    lines.push(
      '',
      `${r.target} (${r.tls.minVersion}+, grade ${r.grade.grade}; testssl -E took ${seconds(r.cipherRunMs)}):`,
      '',
      '| version | aegis | testssl -p | agree | suites aegis / testssl -E | same suites | differences |',
      '|---|---|---|---|---:|---|---|',
      ...r.verdicts.protocols.map((p) => {
        const c = r.verdicts.ciphers.find((row) => row.version === p.version);
        return `| ${p.version} | ${p.aegis} | ${p.testssl} | ${p.agree} | ${c ? `${c.aegis} / ${c.testssl}` : ''} | ${c?.agree ?? ''} | ${c?.differences.join('; ') ?? ''} |`;
      }),
    );
  }
  return lines.join('\n');
}

// ---- alone: snapshot dist/ (a rebuild during the run must not change the code measured), run, report

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'aegis-bench-scan-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  cpSync(join(root, 'dist'), join(work, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(work, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
  if (!existsSync(join(work, 'dist/esm/scan/index.js'))) {
    console.error('bench: dist/ is incomplete (being rebuilt?); run it again');
    process.exit(2);
  }
  const outcome = await scanVsTestssl({ work });
  if (outcome.skipped) {
    console.error(`bench: ${outcome.skipped}`);
    process.exit(2);
  }
  console.log(outcome.markdown);
  writeScanResults(outcome);
  if (!outcome.ok) {
    console.error('bench: aegis and testssl disagree on a protocol or cipher verdict (see the tables above)');
    process.exit(1);
  }
}

/** bench/results/scan-vs-testssl.{json,md} (git-ignored). */
export function writeScanResults(outcome) {
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/scan-vs-testssl.json'), `${JSON.stringify({ date: new Date().toISOString(), ...outcome.meta, ok: outcome.ok, results: outcome.results }, null, 2)}\n`);
  writeFileSync(join(here, 'results/scan-vs-testssl.md'), `${outcome.markdown}\n`);
}

if (process.argv[2] === 'serve') serveTarget(process.argv[3], process.argv[4], process.argv[5]);
else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
