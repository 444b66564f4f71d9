import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Uses the built package (dist/, made by `npm run build`, which `npm test` runs first) the way a
 * consumer does: through node_modules/aegis and the package's `exports`, from ESM and CommonJS,
 * and type-checks a consumer in both module systems.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Every JavaScript subpath the package exports (package.json "exports"), so a new one cannot go unchecked. */
const SUBPATHS = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports)
  .filter((key) => key !== './package.json' && !key.endsWith('.json'))
  .map((key) => (key === '.' ? 'aegis' : `aegis/${key.slice(2)}`));
const EXPECTED_EXPORTS: Record<string, string[]> = {
  aegis: ['AegisConfigError', 'AegisPolicy', 'AegisRejection', 'aegis', 'createApiKey', 'isAegisPolicy', 'parseDuration', 'parseRate', 'parseSize'],
  'aegis/express': ['aegisMiddleware', 'getAegisContext'],
  'aegis/node': ['applyServerLimits', 'createServer', 'getAegisContext', 'serverOptions', 'withAegis'],
  'aegis/headers': ['DEFAULT_DENIED', 'FLAG_DIRECTIVES', 'KNOWN_FEATURES', 'REFERRER_POLICIES', 'SOURCE_DIRECTIVES', 'TOKEN_DIRECTIVES', 'createNonce'],
  'aegis/transport': ['CIDR_ALIASES', 'cidrContains', 'formatIp', 'forwardedAddress', 'hostForUrl', 'normaliseIp', 'parseCidrList', 'parseForwarded', 'parseHost', 'parseIp'],
  'aegis/csp-report': ['parseCspReports'],
  'aegis/serve': ['AegisProductionError', 'DEFAULT_PASSPHRASE_ENV', 'TLS12_CIPHERS', 'TLS_CURVES', 'TlsMaterialError', 'assertProductionReady', 'readTlsMaterial', 'serve', 'tlsProfile'],
  'aegis/tls': ['certificateCovers', 'createSelfSignedCertificate', 'daysUntilExpiry', 'inspectCertificate', 'loadOrCreateDevCertificate'],
  'aegis/config': ['MIN_SECRET_BITS', 'Secret', 'SecretRing', 'assessSecret', 'configMeta', 'generateSecret', 'isSecret', 'isSecretRing', 'loadConfig', 'parseDotenv'],
  'aegis/checks': ['AegisProductionError', 'CHECKS', 'assertProductionReady', 'atLeast', 'certificateFacts', 'deploymentFindings', 'formatFinding', 'processDebugFacts', 'runChecks', 'summarise'],
  'aegis/scan': ['GRADES', 'SCAN_CATEGORIES', 'SCAN_SCHEMA_VERSION', 'expectedHeaders', 'formatScanHtml', 'formatScanJson', 'formatScanSarif', 'formatScanText', 'gradeScan', 'policyDrift', 'scan', 'scanAll', 'scanTargetUrl'],
  'aegis/stores': [
    'IdempotencyStoreFullError',
    'MAX_IDEMPOTENCY_KEY_LENGTH',
    'MAX_NONCE_LENGTH',
    'MAX_RATE_LIMIT_KEY_LENGTH',
    'NonceStoreFullError',
    'SessionIdTaken',
    'memoryIdempotencyStore',
    'memoryNonceStore',
    'memoryRateLimitStore',
    'memorySessionStore',
    'redisIdempotencyStore',
    'redisNonceStore',
    'redisRateLimitStore',
    'redisSessionStore',
    'sqliteIdempotencyStore',
    'sqliteNonceStore',
    'sqliteRateLimitStore',
    'sqliteSessionStore',
  ],
  'aegis/sessions': ['CSRF_SESSION_KEY', 'SESSION_ID_BYTES', 'SessionStoreError', 'createSessionManager', 'csrfFieldHtml', 'generateSessionId', 'readCookie', 'serializeSessionCookie', 'sessionCsrfToken', 'signSessionId', 'verifySessionCookie'],
  'aegis/csrf': ['auditCsrfExemptions', 'checkCsrf', 'checkCsrfOrigin', 'checkCsrfToken', 'checkRequestOrigin', 'createCsrfToken', 'csrfRejection', 'formatCsrfAudit', 'isSafeMethod', 'matchExemption', 'readSubmittedToken', 'resolveCsrfOptions', 'signDoubleSubmit', 'tokensEqual', 'verifyDoubleSubmit'],
  'aegis/signing': ['ACCEPT_SIGNATURE_HINT', 'DEFAULT_SIGNATURE_WINDOW_MS', 'MIN_KEY_BYTES', 'REQUIRED_COMPONENTS', 'SIGNATURE_ALGORITHM', 'SIGNATURE_LABEL', 'compileSigningKeys', 'contentDigest', 'createSignedFetch', 'isValidKeyId', 'signRequest', 'verifyRequestSignature'],
  'aegis/cors': ['checkOrigin', 'checkOrigins', 'compileCors', 'corsAllowsOrigin', 'decideCors', 'resolveCorsOptions'],
};

let consumer: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/esm/index.js')) || !existsSync(join(root, 'dist/cjs/index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it first).');
  }
  consumer = mkdtempSync(join(tmpdir(), 'aegis-consumer-'));
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(root, join(consumer, 'node_modules/aegis'), 'dir');
});

function run(file: string, source: string): string {
  writeFileSync(join(consumer, file), source);
  return execFileSync(process.execPath, [join(consumer, file)], { cwd: consumer, encoding: 'utf8', env: { ...process.env, AEGIS_ENV: 'test' } });
}

describe('the published package', () => {
  it('loads every subpath from ESM with the documented exports', () => {
    const source = `${SUBPATHS.map((p, i) => `import * as m${i} from '${p}';`).join('\n')}
      console.log(JSON.stringify([${SUBPATHS.map((_, i) => `Object.keys(m${i}).sort()`).join(', ')}]));`;
    const exported = JSON.parse(run('esm.mjs', source)) as string[][];
    expect(Object.fromEntries(SUBPATHS.map((p, i) => [p, exported[i]]))).toEqual(EXPECTED_EXPORTS);
  });

  it('installs the aegis command: the bin runs from the installed package and knows its version', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
    expect(Object.keys(manifest.bin)).toEqual(['aegis']);
    const bin = join(consumer, 'node_modules/aegis', manifest.bin.aegis ?? '');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    expect(execFileSync(bin, ['--version'], { cwd: consumer, encoding: 'utf8' })).toBe(`${manifest.version}\n`);
  });

  it('loads every subpath from CommonJS with the same exports', () => {
    const source = `const names = ${JSON.stringify(SUBPATHS)}.map((p) => Object.keys(require(p)).filter((k) => k !== '__esModule').sort());
      console.log(JSON.stringify(names));`;
    const exported = JSON.parse(run('cjs.cjs', source)) as string[][];
    expect(Object.fromEntries(SUBPATHS.map((p, i) => [p, exported[i]]))).toEqual(EXPECTED_EXPORTS);
  });

  it('works end to end from CommonJS, even with a policy made by the ESM copy', () => {
    const source = `
      const http = require('node:http');
      const { aegis } = require('aegis');
      const { withAegis, getAegisContext } = require('aegis/node');
      import('aegis').then(async (esm) => {
        const policy = esm.aegis({ hosts: ['localhost'] });
        const server = http.createServer(withAegis(policy, (req, res) => res.end(getAegisContext(req).cspNonce.length + '')));
        server.listen(0, '127.0.0.1', async () => {
          const response = await fetch('http://127.0.0.1:' + server.address().port + '/', { headers: { 'x-test': '1' } });
          console.log(JSON.stringify([response.status, await response.text(), typeof aegis]));
          server.close();
        });
      });`;
    // fetch sends Host: 127.0.0.1:<port>, which is not on this policy's allowlist: a 421 proves the guard ran.
    expect(JSON.parse(run('mixed.cjs', source))).toEqual([421, 'Misdirected Request: this server does not serve that host\n', 'function']);
  });

  it.each([
    ['ESM', 'module', 'consumer.mts', `import { aegis, type AegisOptions } from 'aegis';\nimport { aegisMiddleware } from 'aegis/express';\nimport { withAegis } from 'aegis/node';\nimport { serve, type ServeOptions } from 'aegis/serve';\nimport { loadConfig, type Secret } from 'aegis/config';`],
    ['CommonJS', 'commonjs', 'consumer.cts', `import { aegis, type AegisOptions } from 'aegis';\nimport { aegisMiddleware } from 'aegis/express';\nimport { withAegis } from 'aegis/node';\nimport { serve, type ServeOptions } from 'aegis/serve';\nimport { loadConfig, type Secret } from 'aegis/config';`],
  ])('has type declarations for %s consumers', (_name, type, file, imports) => {
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ type }));
    const source = `${imports}
      const options: AegisOptions = { hosts: ['example.com'], headers: { contentSecurityPolicy: { directives: { imgSrc: ["'self'"] } } } };
      const policy = aegis(options);
      const middleware = aegisMiddleware(policy);
      const listener = withAegis(policy, (_req, res) => res.end());
      // @ts-expect-error: an unknown directive is a type error too
      aegis({ headers: { contentSecurityPolicy: { directives: { scriptSource: [] } } } });
      const config = loadConfig({ session: { env: 'SESSION_SECRET', type: 'secret', required: true }, port: { env: 'PORT', type: 'port', default: 8443 } });
      const secret: Secret = config.session;
      const port: number = config.port;
      const serveOptions: ServeOptions = { port, tls: { cert: 'site.crt', key: 'site.key' }, config, shutdownTimeout: '5s' };
      const started: Promise<{ url: string }> = serve((_req, res) => res.end('ok'), policy, serveOptions);
      // @ts-expect-error: a secret is not a string
      const leaked: string = config.session;
      export { middleware, listener, secret, started, leaked };`;
    writeFileSync(join(consumer, file), source);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] }, files: [file] }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    expect(execFileSync(process.execPath, [tsc, '-p', consumer], { cwd: consumer, encoding: 'utf8' })).toBe('');
  });
});
