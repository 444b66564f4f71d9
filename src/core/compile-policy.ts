import { compileReporting, type ResolvedReporting } from '../csp-report/reporting-options.js';
import { compileCors, corsAllowsOrigin, type ResolvedCors } from '../cors/options.js';
import { compileRoles, type CompiledRoles } from '../guards/roles.js';
import { compileSignatures, type CompiledSignatures } from '../guards/signature-guard.js';
import { compileIdempotency, readIdempotencyRoute, type CompiledIdempotency, type IdempotencyRoute } from '../idempotency/options.js';
import { compileRateLimit, type CompiledRateLimit } from '../rate-limit/options.js';
import { compileCsrfOptions, type ResolvedCsrfOptions } from '../csrf/options.js';
import { compileSessionSettings, SESSION_SETTING_KEYS, type CompiledSessionSettings } from '../sessions/options.js';
import { compileHeaderPlan, type HeaderPlan, type HeadersOptions, type PlanContext } from '../headers/plan.js';
import { compileHostAllowlist, LOCAL_HOSTS, type HostAllowlist } from '../transport/host-allowlist.js';
import { compileHttpsRedirect, type HttpsRedirect } from '../transport/https-redirect.js';
import { compileApiKeys, readApiKeyRequirement, type ApiKeyRequirement, type CompiledApiKeys } from '../transport/api-key-guard.js';
import { compileInternalSecret, type CompiledInternalSecret } from '../transport/internal-secret.js';
import { compileIpRules, type CompiledIpRules } from '../transport/ip-list.js';
import { compileLimits, type ResolvedLimits } from '../transport/limits.js';
import { compileTrustedProxy, type TrustedProxy } from '../transport/trusted-proxy.js';
import { Problems, show } from './config-error.js';
import { mergeOptions } from './merge.js';
import { OPTION_KEYS, type AegisOptions, type PolicySettings, type RouteOptions } from './options.js';
import { detectProfile, PROFILES, type Profile } from './profile.js';
import { checkObject, readSize } from './read-option.js';
import { compileRouteMatcher, type RouteMatcher } from './route-matcher.js';

/** A route's compiled overrides. */
export interface CompiledRoute {
  readonly bodyLimit: number;
  readonly plan: HeaderPlan;
  /** Client-address rules, when the route has `ips`. */
  readonly ips?: CompiledIpRules | undefined;
  /** True for an operational route that needs the internal secret. */
  readonly internal?: boolean;
  /** The API key the route requires, when it has `apiKey`. */
  readonly apiKey?: ApiKeyRequirement | undefined;
  /** True when requests must be signed. */
  readonly signature?: boolean;
  /** The route's idempotency-key opt-in, when it has `idempotency`. */
  readonly idempotency?: IdempotencyRoute | undefined;
}

/** Everything resolved from the options, once. @internal */
export interface CompiledPolicy {
  readonly profile: Profile;
  /** Where the profile came from (`AEGIS_ENV=production`, `default`, …). */
  readonly profileSource: string;
  readonly hosts: HostAllowlist | undefined;
  readonly proxy: TrustedProxy | undefined;
  readonly limits: ResolvedLimits;
  readonly plan: HeaderPlan;
  readonly routes: RouteMatcher<CompiledRoute> | undefined;
  readonly redirect: HttpsRedirect | undefined;
  readonly reporting: ResolvedReporting | undefined;
  /** Session settings, when the policy has sessions. */
  readonly sessions: CompiledSessionSettings | undefined;
  /** CORS settings, when the policy has `cors`. */
  readonly cors: ResolvedCors | undefined;
  /** API keys, when the policy has `apiKeys`. */
  readonly apiKeys: CompiledApiKeys | undefined;
  /** Roles, when the policy has `roles`. */
  readonly roles: CompiledRoles | undefined;
  /** The internal secret, when the policy has one. */
  readonly internalSecret: CompiledInternalSecret | undefined;
  /** True when some route is `internal`. */
  readonly hasInternalRoutes: boolean;
  /** Rate limits, when the policy has `rateLimit`. */
  readonly rateLimit: CompiledRateLimit | undefined;
  /** Signed-request keys and nonce store, when the policy has `signatures`. */
  readonly signatures: CompiledSignatures | undefined;
  /** Idempotency settings, when the policy has `idempotency`. */
  readonly idempotency: CompiledIdempotency | undefined;
  /** CSRF settings, unless `csrf: false`. */
  readonly csrf: ResolvedCsrfOptions | undefined;
  /** The merged header options, kept to compile route-level overrides later. */
  readonly headerOptions: HeadersOptions | undefined;
  /** What the profile relaxes compared with production, for the start-up notice. */
  readonly relaxed: readonly string[];
  readonly settings: PolicySettings;
}

/** Resolves options against the profile and validates everything; throws one AegisConfigError. */
export function compilePolicy(options: AegisOptions, env: NodeJS.ProcessEnv = process.env): CompiledPolicy {
  const problems = new Problems();
  if (!checkObject(options, OPTION_KEYS, problems, 'options', 'aegis({ hosts: [\'example.com\'] })')) problems.throwIfAny();

  const detected = detectProfile(options.env, env);
  if (detected.invalid) {
    problems.add(detected.invalid.source === 'env' ? 'env' : `process.env.${detected.invalid.source}`, `${show(detected.invalid.value)} is not a profile.`, `use one of: ${PROFILES.join(', ')}.`);
  }
  const profile = detected.profile;
  const settings = applyProfile(options, profile, problems);
  const production = profile === 'production';

  const hosts = resolveHosts(settings, production, problems);
  const proxy = compileTrustedProxy(settings.proxy, problems, 'proxy');
  const limits = compileLimits(settings.limits, problems, 'limits');
  const reporting = compileReporting(settings.reporting, problems, 'reporting');
  const planContext: Omit<PlanContext, 'path'> = { profile, problems, reporting };
  const before = problems.count;
  const plan = compileHeaderPlan(settings.headers, { ...planContext, path: 'headers' });
  // Errors in the policy's own header options are reported once, under `headers`, not per route.
  const baseHeaders = problems.count === before ? settings.headers : undefined;
  const routes = compileRoutes(settings, { limits, baseHeaders, planContext, problems, hasApiKeys: settings.apiKeys !== undefined, hasSignatures: settings.signatures !== undefined, hasIdempotency: settings.idempotency !== undefined });
  const redirect = compileHttpsRedirect(settings.httpsRedirect, { production, hostsChecked: settings.hosts !== false, problems, path: 'httpsRedirect' });
  const sessions = compileSessions(settings.sessions, profile, problems);
  const cors = settings.cors === undefined || settings.cors === false ? undefined : compileCors(settings.cors, problems, 'cors');
  // Origins the policy lets call it cross-origin are trusted by the CSRF check too; `'*'` is not
  // (it would switch the origin layer off: a public API that takes unsafe requests needs exemptions).
  const trustCors = cors && !cors.allowAny ? (origin: string) => corsAllowsOrigin(cors, origin) : undefined;
  const apiKeys = settings.apiKeys === undefined ? undefined : compileApiKeys(settings.apiKeys, problems, 'apiKeys');
  const roles = settings.roles === undefined ? undefined : compileRoles(settings.roles, problems, 'roles');
  const internalSecret = settings.internalSecret === undefined ? undefined : compileInternalSecret(settings.internalSecret, problems, 'internalSecret');
  const hasInternalRoutes = Array.isArray(settings.routes) && settings.routes.some((route) => route?.internal === true);
  const rateLimit = settings.rateLimit === undefined || settings.rateLimit === false ? undefined : compileRateLimit(settings.rateLimit, problems, 'rateLimit');
  const signatures = settings.signatures === undefined ? undefined : compileSignatures(settings.signatures, problems, 'signatures');
  const idempotency = settings.idempotency === undefined ? undefined : compileIdempotency(settings.idempotency, problems, 'idempotency');
  const csrf = settings.csrf === false ? undefined : compileCsrfOptions(settings.csrf ?? {}, problems, 'csrf', trustCors);

  problems.throwIfAny();
  return {
    profile,
    profileSource: detected.source,
    hosts,
    proxy,
    limits,
    plan,
    routes,
    redirect,
    reporting,
    sessions,
    cors,
    apiKeys,
    roles,
    internalSecret,
    hasInternalRoutes,
    rateLimit,
    signatures,
    idempotency,
    csrf,
    headerOptions: settings.headers,
    relaxed: production ? [] : relaxations(settings),
    settings,
  };
}

function applyProfile(options: AegisOptions, profile: Profile, problems: Problems): PolicySettings {
  const { env: _env, profiles, ...base } = options;
  if (profiles === undefined) return base;
  if (!checkObject(profiles, PROFILES, problems, 'profiles', '{ development: { … } }')) return base;
  const override = profiles[profile];
  if (override === undefined) return base;
  if (!checkObject(override, OPTION_KEYS.filter((k) => k !== 'env' && k !== 'profiles'), problems, `profiles.${profile}`, '{ headers: { … } }')) return base;
  return mergeOptions(base, override);
}

function resolveHosts(settings: PolicySettings, production: boolean, problems: Problems): HostAllowlist | undefined {
  const { hosts } = settings;
  if (hosts === false) return undefined;
  if (hosts === undefined) {
    if (production) {
      problems.add('hosts', 'the production profile needs the host names this service answers for (a forged Host header can poison links and caches).', "set hosts: ['example.com', '*.example.com'], or hosts: false to turn the check off on purpose.");
      return undefined;
    }
    return compileHostAllowlist(LOCAL_HOSTS, problems, 'hosts');
  }
  if (!Array.isArray(hosts) || hosts.length === 0) {
    problems.add('hosts', `expected a non-empty array of host names, got ${show(hosts)}.`, "write hosts: ['example.com'], or hosts: false.");
    return undefined;
  }
  return compileHostAllowlist(hosts, problems, 'hosts');
}

interface RouteContext {
  readonly limits: ResolvedLimits;
  /** The policy's header options (undefined when they are invalid). */
  readonly baseHeaders: HeadersOptions | undefined;
  readonly planContext: Omit<PlanContext, 'path'>;
  readonly problems: Problems;
  /** The policy has `signatures`, which routes with `signature` need. */
  readonly hasSignatures: boolean;
  /** The policy has `idempotency`, which routes with `idempotency` need. */
  readonly hasIdempotency: boolean;
  /** The policy has `apiKeys`, which routes with `apiKey` need. */
  readonly hasApiKeys: boolean;
}

function compileRoutes(
  settings: PolicySettings,
  context: RouteContext,
): RouteMatcher<CompiledRoute> | undefined {
  const { routes } = settings;
  const { problems } = context;
  if (routes === undefined) return undefined;
  if (!Array.isArray(routes)) {
    problems.add('routes', `expected an array, got ${show(routes)}.`, "write routes: [{ path: '/upload', limits: { body: '10mb' } }].");
    return undefined;
  }
  const rules = (routes as RouteOptions[]).map((route, index) => {
    const path = `routes[${index}]`;
    if (!checkObject(route, ['path', 'method', 'limits', 'headers', 'ips', 'internal', 'apiKey', 'signature', 'idempotency'], problems, path, "{ path: '/upload', limits: { body: '10mb' } }")) {
      return { path: undefined, value: { bodyLimit: context.limits.body, plan: compileHeaderPlan(undefined, { ...context.planContext, path }) } };
    }
    return { path: route.path, method: route.method, value: compileRoute(route, path, context) };
  });
  return compileRouteMatcher(rules, problems, 'routes');
}

function compileRoute(
  route: RouteOptions,
  path: string,
  context: RouteContext,
): CompiledRoute {
  const { problems } = context;
  let bodyLimit = context.limits.body;
  if (route.limits !== undefined && checkObject(route.limits, ['body'], problems, `${path}.limits`, "{ body: '10mb' }")) {
    bodyLimit = readSize(route.limits.body, bodyLimit, problems, `${path}.limits.body`);
  }
  const headerOptions = mergeOptions(context.baseHeaders, route.headers);
  const ips = route.ips === undefined ? undefined : compileIpRules(route.ips, problems, `${path}.ips`);
  if (route.internal !== undefined && typeof route.internal !== 'boolean') problems.add(`${path}.internal`, `expected true or false, got ${show(route.internal)}.`, 'write internal: true.');
  const apiKey = readApiKeyRequirement(route.apiKey, problems, `${path}.apiKey`);
  if (apiKey !== undefined && !context.hasApiKeys) problems.add(`${path}.apiKey`, 'the route requires an API key but the policy accepts none.', 'add apiKeys: { keys: [ … ] } with the stored lines `aegis key create` printed.');
  if (route.signature !== undefined && typeof route.signature !== 'boolean') problems.add(`${path}.signature`, `expected true or false, got ${show(route.signature)}.`, 'write signature: true.');
  if (route.signature === true && !context.hasSignatures) problems.add(`${path}.signature`, 'the route requires signed requests but the policy has no signing keys.', "add signatures: { keys: { 'partner-1': process.env.PARTNER_KEY }, nonceStore: memoryNonceStore() }.");
  const idempotency = readIdempotencyRoute(route.idempotency, problems, `${path}.idempotency`);
  if (idempotency !== undefined && !context.hasIdempotency) problems.add(`${path}.idempotency`, 'the route takes idempotency keys but the policy has no idempotency store.', 'add idempotency: { store: memoryIdempotencyStore() } (or the SQLite or Redis store from aegis/stores).');
  const plan = compileHeaderPlan(headerOptions, { ...context.planContext, path: `${path}.headers` });
  return { bodyLimit, plan, ips, internal: route.internal === true, apiKey, signature: route.signature === true, idempotency };
}

function compileSessions(raw: unknown, profile: Profile, problems: Problems): CompiledSessionSettings | undefined {
  if (raw === undefined || raw === false) return undefined;
  const example = "{ store: sqliteSessionStore({ file: 'sessions.db' }), secrets: [process.env.SESSION_KEY] }";
  if (!checkObject(raw, SESSION_SETTING_KEYS, problems, 'sessions', example)) return undefined;
  return compileSessionSettings(raw, profile, problems, 'sessions');
}

function relaxations(settings: PolicySettings): string[] {
  const relaxed: string[] = [];
  if (settings.headers?.strictTransportSecurity === undefined) relaxed.push('Strict-Transport-Security is not sent (it would pin localhost to HTTPS)');
  const csp = settings.headers?.contentSecurityPolicy;
  if (csp !== false && csp?.directives?.upgradeInsecureRequests === undefined && csp?.directives?.['upgrade-insecure-requests'] === undefined) {
    relaxed.push('CSP upgrade-insecure-requests is off');
  }
  if (settings.httpsRedirect === undefined) relaxed.push('plain HTTP is not redirected to HTTPS');
  if (settings.hosts === undefined) relaxed.push(`hosts default to ${LOCAL_HOSTS.join(', ')}`);
  if (settings.sessions && settings.sessions.secure === undefined) relaxed.push('the session cookie is not Secure and has no __Host- prefix (so it works on http://localhost)');
  return relaxed;
}
