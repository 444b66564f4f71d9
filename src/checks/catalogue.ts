import type { DeploymentFacts } from './facts.js';
import type { StatefulFeature } from '../core/policy.js';
import { ONE_YEAR_SECONDS } from '../headers/hsts.js';

/** How much a finding matters. Errors stop a production start; `aegis check` fails on warnings by default. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem with a deployment. */
export interface Finding {
  /** Stable identifier, e.g. `AEGIS-E001` (documented in docs/checks.md). */
  readonly id: string;
  readonly severity: Severity;
  /** Short name of the check. */
  readonly title: string;
  /** What is wrong, in this deployment. */
  readonly message: string;
  /** What to do. */
  readonly fix: string;
}

/** A deploy check: a stable id, a severity, and what it finds. */
export interface Check {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  evaluate(facts: DeploymentFacts): Array<{ message: string; fix: string }>;
}

const DAY = 86_400_000;

function hstsMaxAge(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /max-age=(\d+)/.exec(value);
  return match ? Number(match[1]) : undefined;
}

const CERTIFICATE_FIX = 'fix the certificate files or the passphrase variable named above.';

/** AEGIS-W017, per feature: the option that holds the store, what goes wrong, and the stores' names in `aegis/stores`. */
const PROCESS_LOCAL_STATE: Readonly<Record<StatefulFeature, { readonly message: string; readonly stores: string }>> = {
  sessions: {
    message: 'Sessions are kept in this process\'s memory (sessions.store is a memory store): a restart signs every user out, and with several instances a session exists only on the instance that created it, so requests that reach another one are signed out.',
    stores: 'Session',
  },
  rateLimit: {
    message: 'Rate limits are counted in this process\'s memory (rateLimit.store is a memory store): with several instances each counts on its own, so a client gets every limit once per instance.',
    stores: 'RateLimit',
  },
  signatures: {
    message: 'Signed-request nonces are kept in this process\'s memory (signatures.nonceStore is a memory store): with several instances a captured signed request replayed to another instance (or after a restart) is accepted.',
    stores: 'Nonce',
  },
  idempotency: {
    message: 'Idempotency keys are kept in this process\'s memory (idempotency.store is a memory store): with several instances a request retried on another instance runs twice.',
    stores: 'Idempotency',
  },
};

const one = (condition: boolean, message: string, fix: string) => (condition ? [{ message, fix }] : []);

/**
 * Every deploy check, in report order. Ids never change meaning; retired ids are not reused.
 * E = errors (a production start is refused), W = warnings, I = information.
 */
export const CHECKS: readonly Check[] = [
  {
    id: 'AEGIS-E001',
    severity: 'error',
    title: 'TLS missing',
    evaluate: ({ tls }) =>
      one(tls.kind === 'none', 'Nothing encrypts traffic: no certificate is served and no TLS-terminating proxy is declared.', "serve with tls: { cert, key } (or { pfx }), or declare the proxy that terminates TLS with proxy: { trust: ['10.0.0.0/8'] } and tls: false."),
  },
  {
    id: 'AEGIS-E002',
    severity: 'error',
    title: 'certificate unreadable',
    evaluate: ({ tls }) => (tls.kind === 'certificate' && tls.error !== undefined ? [{ message: tls.error, fix: tls.fix ?? CERTIFICATE_FIX }] : []),
  },
  {
    id: 'AEGIS-E003',
    severity: 'error',
    title: 'certificate expired',
    evaluate: ({ tls, now }) => {
      const certificate = tls.kind === 'certificate' ? tls.certificate : undefined;
      const file = tls.kind === 'certificate' ? (tls.certificateFile ?? tls.source) : '';
      return one(certificate !== undefined && certificate.validTo.getTime() <= now.getTime(), `The certificate in ${file} expired on ${certificate?.validTo.toISOString()}.`, 'renew the certificate (certbot renew, or your CA) and replace the files; Aegis reloads them without a restart.');
    },
  },
  {
    id: 'AEGIS-E004',
    severity: 'error',
    title: 'certificate names',
    evaluate: ({ tls }) => {
      const uncovered = tls.kind === 'certificate' ? (tls.certificate?.uncoveredHosts ?? []) : [];
      return one(uncovered.length > 0, `The certificate does not cover these allowed hosts: ${uncovered.join(', ')}.`, 'get a certificate whose subjectAltName lists every allowed host (a *.example.com host needs the *.example.com name), or remove the host from the policy.');
    },
  },
  {
    id: 'AEGIS-E005',
    severity: 'error',
    title: 'HSTS off',
    evaluate: ({ policy }) => one(policy.headers['strict-transport-security'] === undefined, 'Strict-Transport-Security is not sent, so a first visit over http:// can be intercepted and kept on plain HTTP.', "remove headers.strictTransportSecurity: false (the production default is max-age=63072000; includeSubDomains)."),
  },
  {
    id: 'AEGIS-E006',
    severity: 'error',
    title: 'debugging on',
    evaluate: ({ debug }) => [
      ...one(debug.inspector, 'The Node.js inspector is enabled (--inspect): anyone who reaches its port can run code in the process.', 'remove --inspect from the command line and from NODE_OPTIONS.'),
      ...one(
        debug.nodeEnv !== 'production',
        debug.nodeEnv === undefined
          ? 'NODE_ENV is not set: frameworks (Express included) then run in development mode, show stack traces and skip caches.'
          : `NODE_ENV is "${debug.nodeEnv}": frameworks (Express included) then show stack traces and skip caches.`,
        'set NODE_ENV=production.',
      ),
      ...one(debug.declared, 'The application declares debug mode.', 'turn the debug setting off in production.'),
    ],
  },
  {
    id: 'AEGIS-E007',
    severity: 'error',
    title: 'cookies not Secure',
    evaluate: ({ cookies }) => one(cookies?.secure === false, 'Session cookies are not marked Secure: browsers send them over plain HTTP too.', 'set cookies.secure to true (the default).'),
  },
  {
    id: 'AEGIS-E008',
    severity: 'error',
    title: 'CORS wildcard with credentials',
    evaluate: ({ cors }) => one(cors?.origins === '*' && cors.credentials === true, "CORS allows every origin ('*') together with credentials: any site could read authenticated responses if the origin is reflected.", 'list the origins that may call this service, or turn credentials off.'),
  },
  {
    id: 'AEGIS-E009',
    severity: 'error',
    title: 'weak secret',
    evaluate: ({ secretProblems }) => secretProblems.map(({ name, message, fix }) => ({ message: `${name}: ${message}`, fix: fix ?? `set ${name} to a new value from \`npx aegis secret\`.` })),
  },
  {
    id: 'AEGIS-E010',
    severity: 'error',
    title: 'configuration invalid',
    evaluate: ({ configProblems }) => configProblems.map(({ name, message, fix }) => ({ message: `${name}: ${message}`, fix: fix ?? `set ${name} as the configuration schema describes.` })),
  },
  {
    id: 'AEGIS-E011',
    severity: 'error',
    title: 'internal routes without a secret',
    evaluate: ({ policy }) =>
      one(policy.internal.routes && !policy.internal.secretConfigured, 'Some routes are internal: true but the policy has no internalSecret: they answer 503 to everyone.', 'set internalSecret: { secrets: [process.env.INTERNAL_SECRET] } (generate one with `aegis secret`).'),
  },
  {
    id: 'AEGIS-W001',
    severity: 'warning',
    title: 'HSTS without subdomains',
    evaluate: ({ policy }) => {
      const hsts = policy.headers['strict-transport-security'];
      return one(hsts !== undefined && !/includeSubDomains/i.test(hsts), 'HSTS does not include subdomains, so a subdomain can still be reached (and its cookies set) over plain HTTP.', 'set headers.strictTransportSecurity.includeSubDomains: true (the default).');
    },
  },
  {
    id: 'AEGIS-W002',
    severity: 'warning',
    title: 'HSTS max-age short',
    evaluate: ({ policy }) => {
      const maxAge = hstsMaxAge(policy.headers['strict-transport-security']);
      return one(maxAge !== undefined && maxAge < ONE_YEAR_SECONDS, `HSTS max-age is ${maxAge} seconds; browsers forget the rule after that.`, "set headers.strictTransportSecurity.maxAge to at least '1y' (default '2y').");
    },
  },
  {
    id: 'AEGIS-W003',
    severity: 'warning',
    title: 'nosniff off',
    evaluate: ({ policy }) => one(policy.headers['x-content-type-options'] !== 'nosniff', 'X-Content-Type-Options: nosniff is not sent: browsers may run an uploaded text file as script.', 'remove headers.xContentTypeOptions: false.'),
  },
  {
    id: 'AEGIS-W004',
    severity: 'warning',
    title: 'no HTTPS redirect',
    evaluate: ({ policy, tls }) =>
      tls.kind === 'certificate'
        ? one(tls.redirectListener === false, 'Aegis serves TLS itself and redirectPort: false turns off its plain-HTTP listener: http:// requests get no answer instead of a redirect to HTTPS.', 'remove redirectPort: false (production listens on port 80 and redirects), or redirect port 80 to HTTPS with something else.')
        : one(!policy.httpsRedirect, 'Plain HTTP requests are answered instead of redirected to HTTPS.', 'remove httpsRedirect: false, or have the proxy redirect (and keep this warning in mind).'),
  },
  {
    id: 'AEGIS-W005',
    severity: 'warning',
    title: 'framing allowed',
    evaluate: ({ policy }) => {
      const csp = policy.headers['content-security-policy'] ?? '';
      return one(policy.headers['x-frame-options'] === undefined && !/frame-ancestors/.test(csp), 'Neither X-Frame-Options nor CSP frame-ancestors is sent: any site can frame these pages (clickjacking).', "keep the defaults (frame-ancestors 'none', X-Frame-Options DENY), or list the origins allowed to frame.");
    },
  },
  {
    id: 'AEGIS-W006',
    severity: 'warning',
    title: 'referrer policy',
    evaluate: ({ policy }) => {
      const referrer = policy.headers['referrer-policy'];
      return one(referrer === undefined || /unsafe-url|no-referrer-when-downgrade/.test(referrer), `Referrer-Policy is ${referrer === undefined ? 'not sent' : `"${referrer}"`}: full URLs, with their tokens, leak to other sites.`, "use 'strict-origin-when-cross-origin' (the default) or stricter.");
    },
  },
  {
    id: 'AEGIS-W007',
    severity: 'warning',
    title: 'cookies readable by scripts',
    evaluate: ({ cookies }) => one(cookies?.httpOnly === false, 'Session cookies are not HttpOnly: an injected script can steal the session.', 'set cookies.httpOnly to true (the default).'),
  },
  {
    id: 'AEGIS-W008',
    severity: 'warning',
    title: 'CSRF cookie not Secure',
    evaluate: ({ cookies }) => one(cookies?.csrf?.secure === false, 'The CSRF cookie is not marked Secure.', 'set cookies.csrf.secure to true (the default).'),
  },
  {
    id: 'AEGIS-W009',
    severity: 'warning',
    title: 'host allowlist off',
    evaluate: ({ policy }) => one(policy.hosts === false, 'Any Host header is accepted: a forged one can poison password-reset links and caches.', "list the service's host names in hosts."),
  },
  {
    id: 'AEGIS-W010',
    severity: 'warning',
    title: 'certificate expiring',
    evaluate: ({ tls, now }) => {
      const certificate = tls.kind === 'certificate' ? tls.certificate : undefined;
      const days = certificate ? (certificate.validTo.getTime() - now.getTime()) / DAY : Infinity;
      return one(days > 0 && days < 30, `The certificate expires in ${Math.floor(days)} days (${certificate?.validTo.toISOString()}).`, 'renew it now; Aegis picks up the new files without a restart.');
    },
  },
  {
    id: 'AEGIS-W011',
    severity: 'warning',
    title: 'CSP weak or off',
    evaluate: ({ policy }) => {
      const csp = policy.headers['content-security-policy'];
      const scripts = /(?:^|;\s*)script-src([^;]*)/.exec(csp ?? '')?.[1] ?? /(?:^|;\s*)default-src([^;]*)/.exec(csp ?? '')?.[1] ?? '';
      if (csp === undefined) return [{ message: 'Content-Security-Policy is off (or report-only): injected scripts run.', fix: 'keep the default nonce-based CSP, or set reportOnly: false once reports are clean.' }];
      return one(/'unsafe-inline'/.test(scripts) && !/'nonce-|'sha(256|384|512)-/.test(scripts), "script-src allows 'unsafe-inline' without a nonce or hash: the CSP does not stop injected scripts.", "remove 'unsafe-inline' and use the per-request nonce (res.locals.cspNonce).");
    },
  },
  {
    id: 'AEGIS-W012',
    severity: 'warning',
    title: 'DEBUG set',
    evaluate: ({ debug }) => one(debug.debugEnv !== undefined, `DEBUG is "${debug.debugEnv ?? ''}": the debug module logs internals (sometimes headers) to stderr.`, 'unset DEBUG in production.'),
  },
  {
    id: 'AEGIS-W013',
    severity: 'warning',
    title: 'self-signed certificate',
    evaluate: ({ tls }) => one(tls.kind === 'certificate' && tls.certificate?.selfSigned === true, 'The certificate is self-signed: browsers will refuse it.', 'use a certificate from a CA (Let’s Encrypt, or your company CA).'),
  },
  {
    id: 'AEGIS-W014',
    severity: 'warning',
    title: 'TLS not described',
    evaluate: ({ tls }) => one(tls.kind === 'unknown', 'How TLS is provided is not described, so certificate and transport checks did not run.', 'export serve options (tls: { cert, key }, or tls: false behind a declared proxy) from the policy module.'),
  },
  {
    id: 'AEGIS-W015',
    severity: 'warning',
    title: 'CSRF protection off',
    evaluate: ({ policy }) => one(policy.csrf === false, 'csrf: false: a page of any site can make the browsers of signed-in users post to this service.', 'remove csrf: false; exempt the routes that need it instead, each with a reason and protectedBy.'),
  },
  {
    id: 'AEGIS-W016',
    severity: 'warning',
    title: 'CSRF exemption unprotected',
    evaluate: ({ policy }) =>
      policy.csrf === false
        ? []
        : policy.csrf.exemptions
            .filter((row) => row.unprotected)
            .map((row) => ({
              message: `CSRF exemption ${row.index} (${row.methods.join(',')} ${row.path ?? row.route ?? ''}) declares nothing that replaces the check (reason: ${row.reason}).`,
              fix: "set protectedBy to what protects the route (a signature, an API key), or remove the exemption; `aegis audit csrf` lists them all.",
            })),
  },
  {
    id: 'AEGIS-W017',
    severity: 'warning',
    title: 'state kept per process',
    evaluate: ({ policy }) =>
      policy.processLocalState.map((feature) => {
        const { message, stores } = PROCESS_LOCAL_STATE[feature];
        return { message, fix: `use sqlite${stores}Store({ file }) (one machine) or redis${stores}Store({ client }) (several) from aegis/stores; a single-process deployment can ignore this.` };
      }),
  },
  {
    id: 'AEGIS-I001',
    severity: 'info',
    title: 'HSTS preload',
    evaluate: ({ policy }) => {
      const hsts = policy.headers['strict-transport-security'];
      return one(hsts !== undefined && !/preload/.test(hsts), 'HSTS is not marked for preloading, so the very first visit of a new browser can still be downgraded.', 'once every subdomain serves HTTPS, set preload: true and submit the domain to hstspreload.org (hard to undo).');
    },
  },
];

/** Runs every check, in catalogue order. */
export function runChecks(facts: DeploymentFacts): Finding[] {
  return CHECKS.flatMap((check) => check.evaluate(facts).map(({ message, fix }) => ({ id: check.id, severity: check.severity, title: check.title, message, fix })));
}
