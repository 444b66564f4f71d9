import type { Problems} from '../core/config-error.js';
import { show } from '../core/config-error.js';
import type { Profile } from '../core/profile.js';
import { checkObject, readEnum } from '../core/read-option.js';
import { compileCsp, type CompiledCsp, type CspOptions, type CspReportTargets } from './csp.js';
import { compileFixedHeaders, FRAME_OPTIONS, type FixedHeaderOptions } from './fixed-headers.js';
import { compileHsts, type HstsOptions } from './hsts.js';
import { compilePermissionsPolicy, type PermissionsPolicyOptions } from './permissions-policy.js';

/**
 * Response header options. Every header can be changed or turned off (`false`) here, for the
 * whole policy, and again per route (`routes[].headers`).
 */
export interface HeadersOptions extends FixedHeaderOptions {
  /** `Content-Security-Policy` (or `-Report-Only`) with a per-request nonce. See {@link CspOptions}. */
  contentSecurityPolicy?: CspOptions | false;
  /**
   * `Strict-Transport-Security`, sent only on secure requests. On by default in production
   * (`max-age=63072000; includeSubDomains`); off by default in development and test, where it would
   * pin `localhost` to HTTPS in the developer's browser. Give options to turn it on there too.
   */
  strictTransportSecurity?: HstsOptions | false;
  /**
   * `X-Frame-Options`, for browsers without CSP `frame-ancestors`. By default it follows
   * `frame-ancestors`: `'none'` → `DENY`, `'self'` → `SAMEORIGIN`, other origins → not sent
   * (it cannot express them; modern browsers use frame-ancestors). A value that contradicts
   * frame-ancestors is refused.
   */
  xFrameOptions?: (typeof FRAME_OPTIONS)[number] | false;
  /** `Permissions-Policy`: powerful features are denied by default; see {@link PermissionsPolicyOptions}. */
  permissionsPolicy?: PermissionsPolicyOptions | false;
  /** Response headers removed because they advertise the stack. Default `['X-Powered-By', 'Server']`. */
  removed?: readonly string[];
  /** Any other header to send, by exact name; `false` sends nothing. Headers above use their own option. */
  custom?: Readonly<Record<string, string | false>>;
}

/** `[name, value]`, with the name in its usual capitalisation. */
export type HeaderPair = readonly [name: string, value: string];

/** A planned header: `[name, value, lowerCaseName]` (the last saves a lower-casing per request). */
export type PlannedHeader = readonly [name: string, value: string, lowerName: string];

/**
 * The response headers of a policy (or of one route), compiled once. The request path only copies
 * `secure` or `plain` and renders the CSP template with the request's nonce.
 */
export interface HeaderPlan {
  /** Headers for a request that arrived over HTTPS (adds HSTS and Reporting-Endpoints). */
  readonly secure: readonly PlannedHeader[];
  /** Headers for a plain HTTP request. */
  readonly plain: readonly PlannedHeader[];
  /** The CSP, when on; its value needs the request's nonce. */
  readonly csp: CompiledCsp | undefined;
  /** Header names to remove from the response, in lower case. */
  readonly remove: readonly string[];
}

export const HEADER_OPTION_KEYS = [
  'contentSecurityPolicy',
  'strictTransportSecurity',
  'xContentTypeOptions',
  'xFrameOptions',
  'referrerPolicy',
  'permissionsPolicy',
  'crossOriginOpenerPolicy',
  'crossOriginResourcePolicy',
  'crossOriginEmbedderPolicy',
  'originAgentCluster',
  'xDnsPrefetchControl',
  'xPermittedCrossDomainPolicies',
  'xXssProtection',
  'removed',
  'custom',
] as const;

/** Header names that have a typed option; `custom` may not set them. */
const MANAGED: Readonly<Record<string, string>> = {
  'content-security-policy': 'contentSecurityPolicy',
  'content-security-policy-report-only': 'contentSecurityPolicy',
  'strict-transport-security': 'strictTransportSecurity',
  'x-content-type-options': 'xContentTypeOptions',
  'x-frame-options': 'xFrameOptions',
  'referrer-policy': 'referrerPolicy',
  'permissions-policy': 'permissionsPolicy',
  'cross-origin-opener-policy': 'crossOriginOpenerPolicy',
  'cross-origin-resource-policy': 'crossOriginResourcePolicy',
  'cross-origin-embedder-policy': 'crossOriginEmbedderPolicy',
  'origin-agent-cluster': 'originAgentCluster',
  'x-dns-prefetch-control': 'xDnsPrefetchControl',
  'x-permitted-cross-domain-policies': 'xPermittedCrossDomainPolicies',
  'x-xss-protection': 'xXssProtection',
  'reporting-endpoints': 'reporting',
};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Options the plan needs from the rest of the policy. */
export interface PlanContext {
  readonly profile: Profile;
  readonly problems: Problems;
  readonly path: string;
  /** Where CSP reports go, when reporting is on. */
  readonly reporting: (CspReportTargets & { readonly endpointUrl: string }) | undefined;
}

/** Validates header options and compiles them into a {@link HeaderPlan}. */
export function compileHeaderPlan(options: HeadersOptions | undefined, context: PlanContext): HeaderPlan {
  const { problems, path } = context;
  const opts = options ?? {};
  if (!checkObject(opts, HEADER_OPTION_KEYS, problems, path, '{ contentSecurityPolicy: { … }, xFrameOptions: \'DENY\' }')) {
    return { secure: [], plain: [], csp: undefined, remove: [] };
  }
  const csp = compileCsp(opts.contentSecurityPolicy, { ...context, path: `${path}.contentSecurityPolicy` });
  const hstsDefault = context.profile === 'production' ? undefined : false;
  const hsts = compileHsts(opts.strictTransportSecurity ?? hstsDefault, problems, `${path}.strictTransportSecurity`);

  const pairs: HeaderPair[] = [];
  const frameOptions = resolveFrameOptions(opts.xFrameOptions, csp, problems, `${path}.xFrameOptions`);
  if (frameOptions) pairs.push(['X-Frame-Options', frameOptions]);
  pairs.push(...compileFixedHeaders(opts, problems, path));
  const permissions = compilePermissionsPolicy(opts.permissionsPolicy, problems, `${path}.permissionsPolicy`);
  if (permissions) pairs.push(['Permissions-Policy', permissions]);
  pairs.push(...readCustom(opts.custom, problems, `${path}.custom`));

  // Browsers only use Reporting-Endpoints (and HSTS) on secure responses.
  const secureOnly: HeaderPair[] = [];
  if (hsts) secureOnly.push(['Strict-Transport-Security', hsts]);
  if (csp && context.reporting) secureOnly.push(['Reporting-Endpoints', `${context.reporting.group}="${context.reporting.endpointUrl}"`]);
  const remove = readRemoved(opts.removed, problems, `${path}.removed`);
  const plain = pairs.map(planned);
  return {
    secure: secureOnly.length ? [...secureOnly.map(planned), ...plain] : plain,
    plain,
    csp,
    remove,
  };
}

function planned([name, value]: HeaderPair): PlannedHeader {
  return [name, value, name.toLowerCase()];
}

function resolveFrameOptions(raw: unknown, csp: CompiledCsp | undefined, problems: Problems, path: string): string | undefined {
  if (raw === false) return undefined;
  const ancestors = csp?.directives.get('frame-ancestors');
  const derived = ancestors === undefined ? 'DENY' : frameOptionsFor(ancestors);
  if (raw === undefined) return derived;
  const chosen = readEnum(raw, FRAME_OPTIONS, 'DENY', problems, path);
  if (ancestors !== undefined && chosen !== derived) {
    problems.add(
      path,
      `X-Frame-Options ${chosen} contradicts CSP frame-ancestors ${ancestors.join(' ')}, so old and new browsers would behave differently.`,
      'leave xFrameOptions unset (it follows frame-ancestors), or make the two agree.',
    );
  }
  return chosen;
}

/** The X-Frame-Options value that says the same as these frame-ancestors sources, if one can. */
export function frameOptionsFor(ancestors: readonly string[]): string | undefined {
  const only = ancestors.length === 1 ? ancestors[0]?.toLowerCase() : undefined;
  if (only === "'none'") return 'DENY';
  if (only === "'self'") return 'SAMEORIGIN';
  return undefined;
}

function readCustom(raw: unknown, problems: Problems, path: string): HeaderPair[] {
  if (raw === undefined) return [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.add(path, `expected an object of header names to values, got ${show(raw)}.`, "write { 'X-Robots-Tag': 'noindex' }.");
    return [];
  }
  const pairs: HeaderPair[] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const managed = MANAGED[name.toLowerCase()];
    if (managed) problems.add(`${path}.${name}`, `${name} has its own option.`, `use headers.${managed} instead.`);
    else if (!TOKEN.test(name)) problems.add(`${path}.${name}`, 'not a valid header name.', 'use letters, digits and hyphens only.');
    else if (value === false) continue;
    else if (typeof value !== 'string' || !FIELD_VALUE.test(value)) {
      problems.add(`${path}.${name}`, `${show(value)} is not a valid header value (control characters or line breaks).`, 'give a single-line string, or false.');
    } else pairs.push([name, value]);
  }
  return pairs;
}

function readRemoved(raw: unknown, problems: Problems, path: string): string[] {
  if (raw === undefined) return ['x-powered-by', 'server'];
  if (Array.isArray(raw) && raw.every((name) => typeof name === 'string' && TOKEN.test(name))) {
    const names = (raw as string[]).map((name) => name.toLowerCase());
    const sideEffects = names.filter((name) => ['date', 'connection', 'content-length', 'transfer-encoding'].includes(name));
    if (sideEffects.length === 0) return names;
    problems.add(path, `${sideEffects.join(', ')} cannot be removed here: the server manages it.`, 'remove it from the list.');
    return [];
  }
  problems.add(path, `expected an array of header names, got ${show(raw)}.`, "write ['X-Powered-By', 'Server'].");
  return [];
}
