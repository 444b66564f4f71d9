import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChecks, type Finding } from '../../src/checks/catalogue.js';
import type { DeploymentFacts, SecretProblem, TlsFacts } from '../../src/checks/facts.js';
import { formatFinding } from '../../src/checks/report.js';
import { aegis } from '../../src/core/policy.js';
import { isProcessLocal } from '../../src/stores/process-local.js';
import {
  memoryIdempotencyStore,
  memoryNonceStore,
  memoryRateLimitStore,
  memorySessionStore,
  sqliteNonceStore,
  sqliteRateLimitStore,
  sqliteSessionStore,
} from '../../src/stores/index.js';

// The catalogue's rules, one check at a time, from hand-made facts: exact messages and fixes.

/** A production policy with every default on (HSTS with preload, so I001 stays quiet), possibly with `httpsRedirect: false`. */
function summary(options: { httpsRedirect?: boolean; proxy?: boolean } = {}) {
  return aegis({
    env: 'production',
    quiet: true,
    hosts: ['app.example.test'],
    headers: { strictTransportSecurity: { maxAge: '2y', includeSubDomains: true, preload: true } },
    ...(options.httpsRedirect === false && { httpsRedirect: false }),
    ...(options.proxy && { proxy: { trust: ['10.0.0.0/8'] } }),
  }).describe();
}

function facts(overrides: Partial<DeploymentFacts>): DeploymentFacts {
  return {
    policy: summary(),
    tls: { kind: 'proxy' },
    secretProblems: [],
    configProblems: [],
    debug: { inspector: false, nodeEnv: 'production', debugEnv: undefined, declared: false },
    now: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

const only = (findings: Finding[], id: string) => findings.filter((finding) => finding.id === id);

describe('AEGIS-W004: no HTTPS redirect', () => {
  const listenerOff = 'Aegis serves TLS itself and redirectPort: false turns off its plain-HTTP listener: http:// requests get no answer instead of a redirect to HTTPS.';
  const policyOff = 'Plain HTTP requests are answered instead of redirected to HTTPS.';
  const certificate: TlsFacts = { kind: 'certificate', source: 'cert.pem + key.pem' };

  it.each<[string, TlsFacts, boolean, string | undefined]>([
    ['TLS served, redirect listener on', certificate, true, undefined],
    ['TLS served, redirect listener on, httpsRedirect off (the listener redirects anyway)', certificate, false, undefined],
    ['TLS served, redirectPort: false', { ...certificate, redirectListener: false }, true, listenerOff],
    ['TLS served, redirectPort: false, httpsRedirect off', { ...certificate, redirectListener: false }, false, listenerOff],
    ['TLS served but unreadable, redirectPort: false', { ...certificate, error: 'x', redirectListener: false }, true, listenerOff],
    ['behind a proxy, httpsRedirect on', { kind: 'proxy' }, true, undefined],
    ['behind a proxy, httpsRedirect off', { kind: 'proxy' }, false, policyOff],
    ['TLS not described, httpsRedirect off', { kind: 'unknown' }, false, policyOff],
  ])('%s', (_name, tls, httpsRedirect, message) => {
    const findings = only(runChecks(facts({ tls, policy: summary({ httpsRedirect, proxy: tls.kind === 'proxy' }) })), 'AEGIS-W004');
    expect(findings.map((f) => f.message)).toEqual(message === undefined ? [] : [message]);
  });

  it('fixes redirectPort: false by naming it', () => {
    const [finding] = only(runChecks(facts({ tls: { ...certificate, redirectListener: false } })), 'AEGIS-W004');
    expect(finding?.fix).toBe('remove redirectPort: false (production listens on port 80 and redirects), or redirect port 80 to HTTPS with something else.');
  });
});

describe('AEGIS-E002 and E003: certificate messages', () => {
  it('uses the fix that came with the error, else the generic one', () => {
    const withFix = only(runChecks(facts({ tls: { kind: 'certificate', source: 'serve.tls', error: 'serve.tls.cert is not set.', fix: 'give tls: { cert, key }.' } })), 'AEGIS-E002');
    const without = only(runChecks(facts({ tls: { kind: 'certificate', source: 'a.pem', error: 'The certificate file a.pem does not exist.' } })), 'AEGIS-E002');
    expect([...withFix, ...without].map((f) => [f.message, f.fix])).toEqual([
      ['serve.tls.cert is not set.', 'give tls: { cert, key }.'],
      ['The certificate file a.pem does not exist.', 'fix the certificate files or the passphrase variable named above.'],
    ]);
  });

  it('names the certificate file in AEGIS-E003 (the key is not the problem), else the source', () => {
    const certificate = { validTo: new Date('2025-06-01T00:00:00Z'), selfSigned: false, uncoveredHosts: [] };
    const named = only(runChecks(facts({ tls: { kind: 'certificate', source: 'site.pem + site.key', certificateFile: 'site.pem', certificate } })), 'AEGIS-E003');
    const unnamed = only(runChecks(facts({ tls: { kind: 'certificate', source: 'bundle.pfx', certificate } })), 'AEGIS-E003');
    expect([...named, ...unnamed].map((f) => f.message)).toEqual(['The certificate in site.pem expired on 2025-06-01T00:00:00.000Z.', 'The certificate in bundle.pfx expired on 2025-06-01T00:00:00.000Z.']);
  });
});

describe('AEGIS-E009 and E010: secret and configuration problems', () => {
  const problem = (name: string, message: string, fix?: string): SecretProblem => ({ name, message, ...(fix !== undefined && { fix }) });

  it('prints "weak secret" once: the title, then the variable and the problem', () => {
    const [finding] = runChecks(facts({ secretProblems: [problem('SESSION_SECRET', 'a known placeholder.')] }));
    expect(finding && formatFinding(finding)).toBe('AEGIS-E009 error   weak secret: SESSION_SECRET: a known placeholder.\n                   Fix: set SESSION_SECRET to a new value from `npx aegis secret`.');
  });

  it("keeps the problem's own fix, and falls back to the generic one", () => {
    const findings = runChecks(
      facts({
        secretProblems: [problem('key 2 of 2 in KEYS', 'a known placeholder.', 'replace key 2 of 2 in KEYS with a new value from `npx aegis secret`.')],
        configProblems: [problem('PORT', '"http" is not a port number (0 to 65535).', 'set PORT to a port such as 3000.'), problem('MODE', 'is wrong.')],
      }),
    );
    expect(findings.map((f) => [f.id, f.message, f.fix])).toEqual([
      ['AEGIS-E009', 'key 2 of 2 in KEYS: a known placeholder.', 'replace key 2 of 2 in KEYS with a new value from `npx aegis secret`.'],
      ['AEGIS-E010', 'PORT: "http" is not a port number (0 to 65535).', 'set PORT to a port such as 3000.'],
      ['AEGIS-E010', 'MODE: is wrong.', 'set MODE as the configuration schema describes.'],
    ]);
  });
});

describe('AEGIS-W015 and W016: CSRF off, exemptions without a replacing protection', () => {
  const base = { env: 'production' as const, quiet: true, hosts: ['app.example.test'], headers: { strictTransportSecurity: { maxAge: '2y' as const, includeSubDomains: true, preload: true } } };

  it('flags csrf: false once, and nothing when CSRF is on without exemptions', () => {
    const off = runChecks(facts({ policy: aegis({ ...base, csrf: false }).describe() }));
    expect(only(off, 'AEGIS-W015').map((f) => [f.message, f.fix])).toEqual([
      ['csrf: false: a page of any site can make the browsers of signed-in users post to this service.', 'remove csrf: false; exempt the routes that need it instead, each with a reason and protectedBy.'],
    ]);
    expect(only(off, 'AEGIS-W016')).toEqual([]);
    const on = runChecks(facts({}));
    expect([...only(on, 'AEGIS-W015'), ...only(on, 'AEGIS-W016')]).toEqual([]);
  });

  it('flags each exemption without protectedBy, by index, methods, target and reason', () => {
    const policy = aegis({
      ...base,
      csrf: {
        exemptions: [
          { path: '/hooks/pay', methods: ['POST'], reason: 'payment webhook', protectedBy: 'HMAC signature' },
          { route: '/legacy/*', reason: 'old mobile app' },
        ],
      },
    }).describe();
    expect(only(runChecks(facts({ policy })), 'AEGIS-W016').map((f) => f.message)).toEqual(['CSRF exemption 1 (* /legacy/*) declares nothing that replaces the check (reason: old mobile app).']);
  });
});

describe('AEGIS-W017: state kept per process', () => {
  const base = { env: 'production' as const, quiet: true, hosts: ['app.example.test'], headers: { strictTransportSecurity: { maxAge: '2y' as const, includeSubDomains: true, preload: true } } };
  const signingKeys = { 'partner-1': 'spUjmPASjnBNkyyX93vH67PoICB9yKxB3V0RAm2aOcQ' };
  const sessionSecret = 'kO3q9vLrXw2ZtYb8NcPf5HgJdAeMs7Ui1WzRoTyQx4E';
  const dir = mkdtempSync(join(tmpdir(), 'aegis-w017-'));
  const opened: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const store of opened) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const track = <T extends { close(): Promise<void> }>(store: T): T => (opened.push(store), store);
  const w017 = (policy: ReturnType<typeof aegis>) => only(runChecks(facts({ policy: policy.describe() })), 'AEGIS-W017').map((f) => [f.severity, f.title, f.message, f.fix]);

  it('marks the four memory stores, and no SQLite store', () => {
    expect([memorySessionStore(), memoryRateLimitStore(), memoryNonceStore(), memoryIdempotencyStore()].map(isProcessLocal)).toEqual([true, true, true, true]);
    expect([track(sqliteRateLimitStore({ file: join(dir, 'marks.db') })), null, undefined, {}, 'memory'].map(isProcessLocal)).toEqual([false, false, false, false, false]);
  });

  it('flags a memory rate-limit store and a memory nonce store, one finding each, with what goes wrong', () => {
    const policy = aegis({ ...base, rateLimit: { store: memoryRateLimitStore(), default: { limit: '600/min' } }, signatures: { keys: signingKeys, nonceStore: memoryNonceStore() } });
    expect(policy.describe().processLocalState).toEqual(['rateLimit', 'signatures']);
    expect(w017(policy)).toEqual([
      [
        'warning',
        'state kept per process',
        "Rate limits are counted in this process's memory (rateLimit.store is a memory store): with several instances each counts on its own, so a client gets every limit once per instance.",
        'use sqliteRateLimitStore({ file }) (one machine) or redisRateLimitStore({ client }) (several) from aegis/stores; a single-process deployment can ignore this.',
      ],
      [
        'warning',
        'state kept per process',
        "Signed-request nonces are kept in this process's memory (signatures.nonceStore is a memory store): with several instances a captured signed request replayed to another instance (or after a restart) is accepted.",
        'use sqliteNonceStore({ file }) (one machine) or redisNonceStore({ client }) (several) from aegis/stores; a single-process deployment can ignore this.',
      ],
    ]);
  });

  it('flags memory sessions and idempotency stores too, in the order sessions, rateLimit, signatures, idempotency', () => {
    const policy = aegis({
      ...base,
      idempotency: { store: memoryIdempotencyStore() },
      signatures: { keys: signingKeys, nonceStore: memoryNonceStore() },
      sessions: { store: memorySessionStore(), secrets: [sessionSecret] },
    });
    expect(policy.describe().processLocalState).toEqual(['sessions', 'signatures', 'idempotency']);
    expect(w017(policy).map(([, , message, fix]) => [message, fix])).toEqual([
      [
        "Sessions are kept in this process's memory (sessions.store is a memory store): a restart signs every user out, and with several instances a session exists only on the instance that created it, so requests that reach another one are signed out.",
        'use sqliteSessionStore({ file }) (one machine) or redisSessionStore({ client }) (several) from aegis/stores; a single-process deployment can ignore this.',
      ],
      [
        "Signed-request nonces are kept in this process's memory (signatures.nonceStore is a memory store): with several instances a captured signed request replayed to another instance (or after a restart) is accepted.",
        'use sqliteNonceStore({ file }) (one machine) or redisNonceStore({ client }) (several) from aegis/stores; a single-process deployment can ignore this.',
      ],
      [
        "Idempotency keys are kept in this process's memory (idempotency.store is a memory store): with several instances a request retried on another instance runs twice.",
        'use sqliteIdempotencyStore({ file }) (one machine) or redisIdempotencyStore({ client }) (several) from aegis/stores; a single-process deployment can ignore this.',
      ],
    ]);
  });

  it('finds nothing with SQLite stores, nor without stateful features', () => {
    const policy = aegis({
      ...base,
      rateLimit: { store: track(sqliteRateLimitStore({ file: join(dir, 'limits.db') })), default: { limit: '600/min' } },
      signatures: { keys: signingKeys, nonceStore: track(sqliteNonceStore({ file: join(dir, 'nonces.db') })) },
      sessions: { store: track(sqliteSessionStore({ file: join(dir, 'sessions.db') })), secrets: [sessionSecret] },
    });
    expect(policy.describe().processLocalState).toEqual([]);
    expect(w017(policy)).toEqual([]);
    expect(summary().processLocalState).toEqual([]);
    expect(only(runChecks(facts({})), 'AEGIS-W017')).toEqual([]);
  });
});

describe('deploymentFindings reads the policy own sessions and CORS', () => {
  it('a development policy with sessions has a cookie without Secure (E007); declared cookies win', async () => {
    const { deploymentFindings } = await import('../../src/checks/guard.js');
    const { memorySessionStore } = await import('../../src/stores/index.js');
    const policy = aegis({ env: 'development', quiet: true, sessions: { store: memorySessionStore(), secrets: ['kO3q9vLrXw2ZtYb8NcPf5HgJdAeMs7Ui1WzRoTyQx4E'] } });
    const ids = (input: Parameters<typeof deploymentFindings>[0]) => deploymentFindings(input).map((f) => f.id);
    expect(ids({ policy, tls: { kind: 'proxy' } })).toContain('AEGIS-E007');
    expect(ids({ policy, tls: { kind: 'proxy' }, cookies: { secure: true } })).not.toContain('AEGIS-E007');
    expect(ids({ policy: aegis({ env: 'development', quiet: true }), tls: { kind: 'proxy' } })).not.toContain('AEGIS-E007');
  });
});
