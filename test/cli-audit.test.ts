/**
 * `aegis audit csrf`: in-process through `main()` for the many cases, and through `node
 * bin/aegis.mjs` for the real exit codes and streams. The policy modules are written to a scratch
 * directory whose node_modules/aegis links to this repository, so that `import 'aegis'` resolves to
 * the build (dist/) exactly as it does for the fixtures under test/fixtures/policies.
 */

import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CSRF_HELP, type CsrfAuditReport } from '../src/cli/commands/audit-csrf.js';
import { AUDIT_HELP } from '../src/cli/commands/audit.js';
import { main, MAIN_HELP } from '../src/cli/main.js';
import { generateSecret } from '../src/config/generate-secret.js';
import { runAegisBinary, type BinaryResult } from './helpers/aegis-binary.js';
import { recordingIo } from './helpers/command-io.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT_MAIN = join(ROOT, 'dist', 'esm', 'cli', 'main.js');
const ANSI = '\u001b[';

let scratch: string;
/** A policy module's absolute path in the scratch directory. */
const at = (name: string): string => join(scratch, name);

/** The policy modules, by file name. */
const FIXTURES: Record<string, string> = {
  // CSRF on (the default), no exemptions, no sessions.
  'none.mjs': "import { aegis } from 'aegis';\nexport const policy = aegis({ hosts: ['app.example.test'] });\n",
  // One exemption with a replacement protection, one without; a trusted origin.
  'mixed.mjs': `import { aegis } from 'aegis';
export const policy = aegis({
  hosts: ['app.example.test'],
  csrf: {
    trustedOrigins: ['https://Admin.example.test:443'],
    exemptions: [
      { path: '/hooks/stripe', methods: ['POST'], reason: 'Stripe webhook, no cookies', protectedBy: 'Stripe-Signature HMAC' },
      { route: '/legacy/*', reason: 'old mobile app, sends no Origin' },
    ],
  },
});
`,
  // Options only (compiled by the command's own aegis()), with csrf: false.
  'off.mjs': "export const policy = { hosts: ['app.example.test'], csrf: false };\n",
  // An exemption without a reason: aegis() throws AegisConfigError while the module loads.
  'invalid.mjs': "import { aegis } from 'aegis';\nexport const policy = aegis({ hosts: ['app.example.test'], csrf: { exemptions: [{ path: '/hooks/stripe', methods: ['POST'] }] } });\n",
  // The same mistake in CommonJS: the CommonJS build's AegisConfigError, another class.
  'invalid.cjs': "/* global require, exports */\nconst { aegis } = require('aegis');\nexports.policy = aegis({ hosts: ['app.example.test'], csrf: { exemptions: [{ route: '/hooks/:id', reason: '  ', protectedBy: 7 }] } });\n",
  'syntax-error.mjs': "export const policy = {\n  hosts: ['app.example.test'],\n",
  'not-a-policy.mjs': 'export const answer = 42;\n',
};

/** Sessions (so the token is required), same-site allowed, every exemption protected; AEGIS_ENV read by the module. */
const sessionsFixture = (secret: string) => `import { aegis } from 'aegis';
import { memorySessionStore } from 'aegis/stores';
export const policy = aegis({
  hosts: ['app.example.test'],
  sessions: { store: memorySessionStore(), secrets: [${JSON.stringify(secret)}] },
  csrf: {
    allowSameSite: true,
    exemptions: [
      { route: '/hooks/:provider', methods: ['post', 'put'], reason: 'provider webhooks (' + process.env.AEGIS_ENV + ')', protectedBy: 'per-provider HMAC signature' },
      { path: '/api/public/ping', reason: 'no side effect, no cookies read', protectedBy: 'none needed: idempotent, unauthenticated' },
    ],
  },
});
`;

beforeAll(() => {
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run \`node scripts/build.mjs\` first (\`npm test\` does it in pretest).`);
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'aegis-cli-audit-')));
  mkdirSync(at('node_modules'));
  symlinkSync(ROOT, at('node_modules/aegis'), 'dir');
  for (const [name, source] of Object.entries(FIXTURES)) writeFileSync(at(name), source);
  writeFileSync(at('sessions.mjs'), sessionsFixture(generateSecret()));
  mkdirSync(at('empty'));
  mkdirSync(at('discovered'));
  writeFileSync(at('discovered/aegis.policy.mjs'), "export const policy = { hosts: ['app.example.test'], csrf: { exemptions: [{ path: '/hooks/a', reason: 'webhook', protectedBy: 'HMAC' }] } };\n");
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs `aegis <args>` in-process in the scratch directory; `tty` makes both streams terminals. */
async function aegis(args: readonly string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const recorded = recordingIo(options.env ?? {}, options.cwd ?? scratch, options.tty ?? false);
  const code = await main(args, recorded.io, '9.9.9-test');
  return { code, stdout: recorded.stdout(), stderr: recorded.stderr() };
}

/** Runs `node bin/aegis.mjs <args>` in the scratch directory, with a minimal environment. */
function aegisBinary(args: readonly string[]): Promise<BinaryResult> {
  return runAegisBinary(args, { cwd: scratch, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' } });
}

const usage = (prefix: string, message: string) => `${prefix}: ${message}\nRun \`${prefix} --help\` for usage.\n`;

// ---------------------------------------------------------------------------------------------
// Expected reports

const NONE_TEXT = () =>
  [
    `aegis audit csrf: ${at('none.mjs')} (production)`,
    'CSRF on: Fetch Metadata/Origin check only (no sessions, so no token); trusted origins: none; same-site origins: refused',
    '',
    'CSRF exemptions: none. Every unsafe request is checked.',
    '',
  ].join('\n');

const MIXED_TEXT = (unprotectedFlag = 'UNPROTECTED') =>
  [
    `aegis audit csrf: ${at('mixed.mjs')} (production)`,
    'CSRF on: Fetch Metadata/Origin check only (no sessions, so no token); trusted origins: https://admin.example.test; same-site origins: refused',
    '',
    'CSRF exemptions: 2',
    '',
    '[0] POST path /hooks/stripe',
    '    reason:       Stripe webhook, no cookies',
    '    protected by: Stripe-Signature HMAC',
    '',
    `[1] * route /legacy/*  ${unprotectedFlag}`,
    '    reason:       old mobile app, sends no Origin',
    '    protected by: (nothing declared)',
    '',
    '1 of 2 exemptions declares no replacement protection: set protectedBy, or remove the exemption.',
    '',
  ].join('\n');

const SESSIONS_TEXT = (profile: string) =>
  [
    `aegis audit csrf: ${at('sessions.mjs')} (${profile})`,
    'CSRF on: Fetch Metadata/Origin check and session token; trusted origins: none; same-site origins: allowed',
    '',
    'CSRF exemptions: 2',
    '',
    '[0] POST,PUT route /hooks/:provider',
    `    reason:       provider webhooks (${profile})`,
    '    protected by: per-provider HMAC signature',
    '',
    '[1] * path /api/public/ping',
    '    reason:       no side effect, no cookies read',
    '    protected by: none needed: idempotent, unauthenticated',
    '',
    'All 2 exemptions declare a replacement protection.',
    '',
  ].join('\n');

const OFF_TEXT = (unprotectedFlag = 'UNPROTECTED') =>
  [
    `aegis audit csrf: ${at('off.mjs')} (production)`,
    `CSRF protection is OFF for every route (csrf: false)  ${unprotectedFlag}`,
    'Every route accepts cross-site unsafe requests: remove csrf: false, and exempt only the routes that need it, each with a reason and protectedBy.',
    '',
  ].join('\n');

const INVALID_ERROR = () =>
  [
    `aegis audit csrf: ${at('invalid.mjs')}: invalid policy (1 problem), nothing audited:`,
    '  - csrf.exemptions[0].reason: exemption 0 has no reason (got undefined).',
    "    Fix: say why this route may skip the CSRF check, e.g. reason: 'payment provider webhook, no cookies'.",
    '',
  ].join('\n');

const MIXED_JSON: CsrfAuditReport = {
  csrf: { enabled: true, tokenRequired: false, trustedOrigins: ['https://admin.example.test'], allowSameSite: false },
  exemptions: [
    { index: 0, path: '/hooks/stripe', methods: ['POST'], reason: 'Stripe webhook, no cookies', protectedBy: 'Stripe-Signature HMAC', unprotected: false },
    { index: 1, route: '/legacy/*', methods: ['*'], reason: 'old mobile app, sends no Origin', protectedBy: null, unprotected: true },
  ],
  unprotected: 1,
};

// ---------------------------------------------------------------------------------------------

describe('aegis audit csrf: text reports', () => {
  it('no exemptions: the settings and "none", exit 0', async () => {
    expect(await aegis(['audit', 'csrf', '--policy', 'none.mjs'])).toEqual({ code: 0, stdout: NONE_TEXT(), stderr: '' });
  });

  it('a protected and an unprotected exemption: both listed, the second flagged, exit 1', async () => {
    expect(await aegis(['audit', 'csrf', '--policy', 'mixed.mjs'])).toEqual({ code: 1, stdout: MIXED_TEXT(), stderr: '' });
  });

  it('sessions and every exemption protected: token required, exit 0; --env reaches the module', async () => {
    expect(await aegis(['audit', 'csrf', '--policy', 'sessions.mjs'])).toEqual({ code: 0, stdout: SESSIONS_TEXT('production'), stderr: '' });
    expect(await aegis(['audit', 'csrf', '--policy', 'sessions.mjs', '--env', 'development'])).toEqual({ code: 0, stdout: SESSIONS_TEXT('development'), stderr: '' });
  });

  it('csrf: false: OFF for every route, flagged, exit 1', async () => {
    expect(await aegis(['audit', 'csrf', '--policy', 'off.mjs'])).toEqual({ code: 1, stdout: OFF_TEXT(), stderr: '' });
  });

  it('finds aegis.policy.* in the working directory without --policy', async () => {
    const result = await aegis(['audit', 'csrf'], { cwd: at('discovered') });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      `aegis audit csrf: ${at('discovered/aegis.policy.mjs')} (production)`,
      'CSRF on: Fetch Metadata/Origin check only (no sessions, so no token); trusted origins: none; same-site origins: refused',
    ]);
    expect(result.stdout.endsWith('\nThe exemption declares a replacement protection.\n')).toBe(true);
  });

  it('colours the UNPROTECTED flag red on a terminal, and nothing else', async () => {
    const red = '\u001b[31mUNPROTECTED\u001b[0m';
    expect(await aegis(['audit', 'csrf', '--policy', 'mixed.mjs'], { tty: true })).toEqual({ code: 1, stdout: MIXED_TEXT(red), stderr: '' });
    expect(await aegis(['audit', 'csrf', '--policy', 'off.mjs'], { tty: true })).toEqual({ code: 1, stdout: OFF_TEXT(red), stderr: '' });
  });

  it('never colours with NO_COLOR, even on a terminal', async () => {
    expect(await aegis(['audit', 'csrf', '--policy', 'mixed.mjs'], { tty: true, env: { NO_COLOR: '1' } })).toEqual({ code: 1, stdout: MIXED_TEXT(), stderr: '' });
  });
});

describe('aegis audit csrf: --format json', () => {
  const json = async (policy: string) => {
    const result = await aegis(['audit', 'csrf', '--policy', policy, '--format', 'json'], { tty: true });
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toContain(ANSI);
    return { code: result.code, report: JSON.parse(result.stdout) as unknown };
  };

  it('a protected and an unprotected exemption', async () => {
    expect(await json('mixed.mjs')).toEqual({ code: 1, report: MIXED_JSON });
  });

  it('no exemptions', async () => {
    expect(await json('none.mjs')).toEqual({ code: 0, report: { csrf: { enabled: true, tokenRequired: false, trustedOrigins: [], allowSameSite: false }, exemptions: [], unprotected: 0 } });
  });

  it('sessions: tokenRequired and allowSameSite', async () => {
    expect(await json('sessions.mjs')).toEqual({
      code: 0,
      report: {
        csrf: { enabled: true, tokenRequired: true, trustedOrigins: [], allowSameSite: true },
        exemptions: [
          { index: 0, route: '/hooks/:provider', methods: ['POST', 'PUT'], reason: 'provider webhooks (production)', protectedBy: 'per-provider HMAC signature', unprotected: false },
          { index: 1, path: '/api/public/ping', methods: ['*'], reason: 'no side effect, no cookies read', protectedBy: 'none needed: idempotent, unauthenticated', unprotected: false },
        ],
        unprotected: 0,
      },
    });
  });

  it('csrf: false: enabled false, still exit 1', async () => {
    expect(await json('off.mjs')).toEqual({ code: 1, report: { csrf: { enabled: false, tokenRequired: false, trustedOrigins: [], allowSameSite: false }, exemptions: [], unprotected: 0 } });
  });
});

describe('aegis audit csrf: -o writes the report to a file', () => {
  it('text, never coloured, and says where on stderr', async () => {
    const result = await aegis(['audit', 'csrf', '--policy', 'mixed.mjs', '-o', 'report.txt'], { tty: true });
    expect(result).toEqual({ code: 1, stdout: '', stderr: `aegis audit csrf: text report written to ${at('report.txt')}\n` });
    expect(readFileSync(at('report.txt'), 'utf8')).toBe(MIXED_TEXT());
  });

  it('json', async () => {
    const result = await aegis(['audit', 'csrf', '--policy', 'none.mjs', '--format', 'json', '--output', 'report.json']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: `aegis audit csrf: json report written to ${at('report.json')}\n` });
    expect(JSON.parse(readFileSync(at('report.json'), 'utf8'))).toEqual({ csrf: { enabled: true, tokenRequired: false, trustedOrigins: [], allowSameSite: false }, exemptions: [], unprotected: 0 });
  });
});

describe('aegis audit csrf: a policy that cannot be audited exits 2', () => {
  it('an exemption without a reason: every problem with its path and fix, nothing on stdout', async () => {
    expect(await aegis(['audit', 'csrf', '--policy', 'invalid.mjs'])).toEqual({ code: 2, stdout: '', stderr: INVALID_ERROR() });
    expect(await aegis(['audit', 'csrf', '--policy', 'invalid.mjs', '--format', 'json'])).toEqual({ code: 2, stdout: '', stderr: INVALID_ERROR() });
  });

  it("a CommonJS module's AegisConfigError (another class) too, with both problems", async () => {
    expect(await aegis(['audit', 'csrf', '--policy', 'invalid.cjs'])).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        `aegis audit csrf: ${at('invalid.cjs')}: invalid policy (2 problems), nothing audited:`,
        '  - csrf.exemptions[0].reason: exemption 0 has no reason (got "  ").',
        "    Fix: say why this route may skip the CSRF check, e.g. reason: 'payment provider webhook, no cookies'.",
        '  - csrf.exemptions[0].protectedBy: 7 is not a description.',
        "    Fix: name the replacing protection, e.g. 'Stripe-Signature HMAC', or leave it out.",
        '',
      ].join('\n'),
    });
  });

  it('a module that fails to load: the cause in one line', async () => {
    const result = await aegis(['audit', 'csrf', '--policy', 'syntax-error.mjs']);
    expect([result.code, result.stdout]).toEqual([2, '']);
    // In-process, vitest's module loader words the syntax error; the binary test below has Node's own.
    const prefix = `aegis audit csrf: could not load ${at('syntax-error.mjs')}: `;
    expect(result.stderr.startsWith(prefix)).toBe(true);
    expect(result.stderr.slice(prefix.length)).toMatch(/^[^\n]+\n$/);
  });
});

describe('aegis audit: usage errors exit 2', () => {
  it.each([
    [['audit'], 'aegis audit', 'missing subcommand (valid: csrf), e.g. aegis audit csrf --policy aegis.policy.mjs'],
    [['audit', 'cors'], 'aegis audit', 'unknown subcommand "cors" (valid: csrf).'],
    [['audit', '--policy', 'mixed.mjs'], 'aegis audit', 'unknown subcommand "--policy" (valid: csrf).'],
    [['audit', 'csrf', '--policy', 'mixed.mjs', '--format', 'sarif'], 'aegis audit csrf', '--format must be one of text, json, not "sarif".'],
    [['audit', 'csrf', '--policy', 'mixed.mjs', '--env', 'staging'], 'aegis audit csrf', '--env must be one of development, test, production, not "staging".'],
    [['audit', 'csrf', '--policy', 'missing.mjs'], 'aegis audit csrf', 'policy file not found: <scratch>/missing.mjs'],
    [['audit', 'csrf', '--policy', 'empty'], 'aegis audit csrf', 'policy file is not a file: <scratch>/empty'],
    [['audit', 'csrf', '--policy', 'not-a-policy.mjs'], 'aegis audit csrf', 'the policy module exports no policy: export `policy` (from aegis()) or its options, or a default export.'],
  ])('%j', async (args, prefix, message) => {
    expect(await aegis(args)).toEqual({ code: 2, stdout: '', stderr: usage(prefix, message.replace('<scratch>', scratch)) });
  });

  it('no policy module in the working directory', async () => {
    const result = await aegis(['audit', 'csrf'], { cwd: at('empty') });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: usage('aegis audit csrf', `no policy module in ${at('empty')} (looked for aegis.policy.js, aegis.policy.mjs, aegis.policy.cjs, aegis.policy.ts, aegis.policy.mts, aegis.policy.cts): pass --policy <file>, or create one of them.`),
    });
  });

  it("an unknown option: Node's parseArgs message (its wording varies by Node version)", async () => {
    const result = await aegis(['audit', 'csrf', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aegis audit csrf: Unknown option '--bogus'[^\n]*\nRun `aegis audit csrf --help` for usage\.\n$/);
  });
});

describe('aegis audit: help', () => {
  it('aegis --help lists the audit command', async () => {
    const result = await aegis(['--help']);
    expect(result).toEqual({ code: 0, stdout: MAIN_HELP, stderr: '' });
    expect(MAIN_HELP).toContain('\n  audit    audit what a policy declares: audit csrf lists every CSRF exemption, its reason and\n');
  });

  it.each([[['audit', '--help']], [['audit', '-h']], [['help', 'audit']]])('%j prints the audit help, which lists csrf', async (args) => {
    expect(await aegis(args)).toEqual({ code: 0, stdout: AUDIT_HELP, stderr: '' });
    expect(AUDIT_HELP).toContain('\nSubcommands:\n  csrf     every CSRF exemption');
  });

  it.each([[['audit', 'csrf', '--help']], [['audit', 'csrf', '-h']], [['help', 'audit', 'csrf']]])('%j prints the audit csrf help', async (args) => {
    expect(await aegis(args)).toEqual({ code: 0, stdout: AUDIT_CSRF_HELP, stderr: '' });
  });

  it('aegis help audit <unknown> is a usage error', async () => {
    expect(await aegis(['help', 'audit', 'cors'])).toEqual({ code: 2, stdout: '', stderr: usage('aegis', 'aegis help takes one command, not "cors".') });
  });
});

describe('aegis audit csrf: through node bin/aegis.mjs', () => {
  it('mixed: the text report on stdout, exit 1', async () => {
    expect(await aegisBinary(['audit', 'csrf', '--policy', 'mixed.mjs'])).toEqual({ code: 1, stdout: MIXED_TEXT(), stderr: '' });
  });

  it('no exemptions: exit 0', async () => {
    expect(await aegisBinary(['audit', 'csrf', '--policy', 'none.mjs'])).toEqual({ code: 0, stdout: NONE_TEXT(), stderr: '' });
  });

  it('json', async () => {
    const result = await aegisBinary(['audit', 'csrf', '--policy', 'mixed.mjs', '--format', 'json']);
    expect({ code: result.code, stderr: result.stderr, report: JSON.parse(result.stdout) as unknown }).toEqual({ code: 1, stderr: '', report: MIXED_JSON });
  });

  it('csrf: false: exit 1', async () => {
    expect(await aegisBinary(['audit', 'csrf', '--policy', 'off.mjs'])).toEqual({ code: 1, stdout: OFF_TEXT(), stderr: '' });
  });

  it('an exemption without a reason: exit 2, the path csrf.exemptions[0].reason and its fix on stderr', async () => {
    expect(await aegisBinary(['audit', 'csrf', '--policy', 'invalid.mjs'])).toEqual({ code: 2, stdout: '', stderr: INVALID_ERROR() });
  });

  it('a module that fails to load: exit 2, the syntax error in one line', async () => {
    expect(await aegisBinary(['audit', 'csrf', '--policy', 'syntax-error.mjs'])).toEqual({ code: 2, stdout: '', stderr: `aegis audit csrf: could not load ${at('syntax-error.mjs')}: SyntaxError: Unexpected end of input\n` });
  });

  it('an unknown subcommand: exit 2', async () => {
    expect(await aegisBinary(['audit', 'cors'])).toEqual({ code: 2, stdout: '', stderr: usage('aegis audit', 'unknown subcommand "cors" (valid: csrf).') });
  });
});
