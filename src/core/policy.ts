import { CspReportEndpoint } from '../csp-report/report-endpoint.js';
import { auditCsrfExemptions, type CsrfExemptionAuditRow } from '../csrf/audit.js';
import { csrfTokenSource } from '../guards/csrf-token.js';
import { authorize, type AccessRequirement } from '../guards/roles.js';
import { guardsApply, runRequestGuards, type GuardedRequest, type GuardOutcome, type GuardPolicy } from '../guards/request-guards.js';
import { sessionManagerFrom, type SessionManager } from '../sessions/session.js';
import { compileHeaderPlan, type HeaderPlan, type HeadersOptions } from '../headers/plan.js';
import { isProcessLocal } from '../stores/process-local.js';
import { serverLimitOptions, type ResolvedLimits, type ServerLimitOptions } from '../transport/limits.js';
import { compilePolicy, type CompiledPolicy } from './compile-policy.js';
import { Problems } from './config-error.js';
import { EventBus, type AegisEvent, type AegisEventType, type EventListener } from './events.js';
import { mergeOptions } from './merge.js';
import type { AegisOptions } from './options.js';
import { inspectRequest, type Outcome } from './pipeline.js';
import type { Profile } from './profile.js';
import { checkObject, readSize } from './read-option.js';
import type { AegisReply } from './reply.js';
import type { CsrfTokenSource, RequestState, RequestView } from './request.js';
import type { Size } from './units.js';

/** Overrides applied by a framework's route-level middleware (`security.route({...})`). */
export interface RouteOverrideOptions {
  /** Header options merged over the policy's. */
  headers?: HeadersOptions;
  /**
   * A smaller body limit for this route. A larger one must be declared in the policy's `routes`,
   * because the policy-wide guard has already checked `Content-Length` when route middleware runs.
   */
  limits?: { body?: Size };
}

/** A compiled route-level override. */
export interface RouteOverride {
  readonly plan: HeaderPlan;
  readonly bodyLimit: number | undefined;
}

/** A policy as plain data (see {@link AegisPolicy.describe}). */
export interface PolicySummary {
  readonly profile: Profile;
  /** Allowed host patterns, or false when the allowlist is off. */
  readonly hosts: readonly string[] | false;
  /** Trusted proxies as configured, or false. */
  readonly proxy: string | false;
  readonly httpsRedirect: boolean;
  /** Lower-case header name → value, as sent on a secure response. */
  readonly headers: Readonly<Record<string, string>>;
  readonly removedHeaders: readonly string[];
  /** CSRF protection, or false when `csrf: false`. */
  readonly csrf:
    | false
    | {
        /** True when the policy has sessions: unsafe requests need the synchronizer token too. */
        readonly tokenRequired: boolean;
        readonly trustedOrigins: readonly string[];
        readonly allowSameSite: boolean;
        readonly exemptions: readonly CsrfExemptionAuditRow[];
      };
  /** CORS, or false when the policy sends no CORS headers. */
  readonly cors: false | { readonly origins: readonly string[]; readonly credentials: boolean; readonly methods: readonly string[]; readonly allowedHeaders: readonly string[]; readonly maxAgeSeconds: number };
  /** Operational routes: whether some are `internal`, and whether the secret they need is configured. */
  readonly internal: { readonly routes: boolean; readonly secretConfigured: boolean; readonly header: string | undefined };
  /** Session cookie and timeouts, or false without sessions. */
  readonly sessions: false | { readonly cookieName: string; readonly idleTimeoutMs: number; readonly absoluteTimeoutMs: number; readonly sameSite: 'Lax' | 'Strict'; readonly secure: boolean };
  /**
   * The features whose store keeps its state in this process only (the memory stores), in this
   * order: `sessions`, `rateLimit`, `signatures` (the nonce store), `idempotency`. Empty when every
   * configured store is shared (SQLite, Redis) or no such feature is on. See AEGIS-W017.
   */
  readonly processLocalState: readonly StatefulFeature[];
}

/** A policy feature that keeps state in a store (see {@link PolicySummary.processLocalState}). */
export type StatefulFeature = 'sessions' | 'rateLimit' | 'signatures' | 'idempotency';

let noticeShown = false;

/** Marks policies across module copies (an ESM and a CommonJS copy of Aegis in one process). */
const POLICY_BRAND = Symbol.for('aegis.policy');

/** True for a policy made by `aegis()`, from this copy of the package or another. */
export function isAegisPolicy(value: unknown): value is AegisPolicy {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[POLICY_BRAND] === true;
}

/**
 * A compiled, immutable security policy. Create it with {@link aegis}; hand it to an adapter
 * (`aegis/express`, `aegis/node`). Everything is validated and precomputed at construction.
 */
export class AegisPolicy {
  /** The profile the options were resolved against. */
  readonly profile: Profile;
  /** Limits in bytes and milliseconds. */
  readonly limits: ResolvedLimits;
  /** Options for `http.createServer()` / `https.createServer()` that enforce the header and time limits. */
  readonly serverOptions: ServerLimitOptions;
  /** @internal */
  readonly compiled: CompiledPolicy;
  /** @internal */
  readonly events: EventBus;
  /**
   * The policy's sessions, when it has `sessions`: for work outside a request, such as
   * `policy.sessions.revokeUser(id)` from an admin page or a password-reset job.
   */
  readonly sessions: SessionManager | undefined;
  private readonly reports: CspReportEndpoint | undefined;
  private readonly tokens: CsrfTokenSource | undefined;
  private readonly guards: GuardPolicy;
  /** @internal */
  readonly [POLICY_BRAND] = true;

  constructor(options: AegisOptions = {}) {
    this.compiled = compilePolicy(options);
    this.profile = this.compiled.profile;
    this.limits = this.compiled.limits;
    this.serverOptions = serverLimitOptions(this.limits);
    this.events = new EventBus(options.logger);
    if (options.onEvent) this.events.on('*', options.onEvent);
    const sessions = this.compiled.sessions;
    const events = this.events;
    this.sessions = sessions ? sessionManagerFrom({ ...sessions, emit: (event) => events.emit(event) }) : undefined;
    this.tokens = sessions ? csrfTokenSource(this.compiled.csrf?.fieldName ?? '_csrf') : undefined;
    this.guards = { csrf: this.compiled.csrf, rateLimit: this.compiled.rateLimit, hasSessions: sessions !== undefined, signatures: this.compiled.signatures, idempotency: this.compiled.idempotency, events };
    const endpoint = this.compiled.reporting?.endpoint;
    this.reports = endpoint ? new CspReportEndpoint(endpoint, this.events) : undefined;
    if (this.profile === 'development' && !options.quiet) showDevelopmentNotice(this.compiled);
    Object.freeze(this);
  }

  /**
   * Listens to security events of one type, or all with `'*'`. Returns a function that stops listening.
   * @example policy.on('host.rejected', (event) => metrics.increment(event.reason))
   */
  on(type: AegisEventType | '*', listener: EventListener): () => void {
    return this.events.on(type, listener);
  }

  /** Sends an event to the policy's listeners and logger (for adapters and extensions). */
  emit(event: AegisEvent): void {
    this.events.emit(event);
  }

  /**
   * Runs the guards on one request and says what to do: continue (with the headers to apply),
   * reply (a rejection or redirect), or hand the body to a built-in endpoint. For adapter authors.
   */
  inspect(view: RequestView): Outcome {
    return inspectRequest(this.compiled, this.events, this.reports, view);
  }

  /** False when {@link AegisPolicy.guard} would do nothing for this request (no sessions, and a safe method or no CSRF). @internal */
  needsGuard(state: RequestState): boolean {
    return guardsApply(this.guards, state);
  }

  /**
   * Opens the request's session (when the policy has sessions: lazy, nothing is read yet) and runs
   * the guards that may need it or the body (the CSRF token endpoint and check). For adapter
   * authors: call it after {@link AegisPolicy.inspect} said continue; commit the session when the
   * response is sent. Returns `undefined` to go on, a reply to send, or `null` when answered.
   * @internal
   */
  guard(state: RequestState, cookieHeader: string | undefined, request: GuardedRequest): GuardOutcome | Promise<GuardOutcome> {
    if (this.sessions) {
      state.session = this.sessions.open(cookieHeader, state);
      state.tokens = this.tokens;
    }
    return runRequestGuards(this.guards, state, request);
  }

  /**
   * Checks a requirement (`{ roles }` or `{ permission }`) for a request that passed the adapter:
   * `undefined` to go on, or the 401/403 reply to send. For adapter authors; Express users call
   * `security.requireRole()` / `security.requirePermission()`.
   * @internal
   */
  authorize(state: RequestState, requirement: AccessRequirement): Promise<AegisReply | undefined> {
    return authorize(this.compiled.roles, requirement, state, this.events);
  }

  /**
   * What the policy sends and enforces, as plain data: for deploy checks, exporters and humans.
   * Headers are those of a secure response; the CSP nonce appears as `{nonce}`.
   */
  describe(): PolicySummary {
    const { compiled } = this;
    const headers: Record<string, string> = {};
    for (const [name, value] of compiled.plan.secure) headers[name.toLowerCase()] = value;
    if (compiled.plan.csp) headers[compiled.plan.csp.lowerName] = compiled.plan.csp.template.join('{nonce}');
    return {
      profile: this.profile,
      hosts: compiled.hosts ? compiled.hosts.entries : false,
      proxy: compiled.proxy ? compiled.proxy.description : false,
      httpsRedirect: compiled.redirect !== undefined,
      headers,
      removedHeaders: compiled.plan.remove,
      csrf: compiled.csrf
        ? {
            tokenRequired: compiled.sessions !== undefined,
            trustedOrigins: [...compiled.csrf.trustedOrigins],
            allowSameSite: compiled.csrf.allowSameSite,
            exemptions: auditCsrfExemptions(compiled.csrf),
          }
        : false,
      cors: compiled.cors
        ? {
            origins: compiled.settings.cors ? [...compiled.settings.cors.origins] : [],
            credentials: compiled.cors.credentials,
            methods: compiled.cors.methods,
            allowedHeaders: compiled.cors.allowedHeaders,
            maxAgeSeconds: compiled.cors.maxAgeSeconds,
          }
        : false,
      internal: { routes: compiled.hasInternalRoutes, secretConfigured: compiled.internalSecret !== undefined, header: compiled.internalSecret?.header },
      sessions: compiled.sessions
        ? {
            cookieName: compiled.sessions.cookieName,
            idleTimeoutMs: compiled.sessions.idleTimeoutMs,
            absoluteTimeoutMs: compiled.sessions.absoluteTimeoutMs,
            sameSite: compiled.sessions.sameSite,
            secure: compiled.sessions.secure,
          }
        : false,
      processLocalState: processLocalState(compiled),
    };
  }

  /**
   * Compiles a route-level override once, when the route is declared (never per request).
   * @throws AegisConfigError when the override is invalid.
   */
  routeOverride(overrides: RouteOverrideOptions): RouteOverride {
    const problems = new Problems();
    let bodyLimit: number | undefined;
    if (checkObject(overrides, ['headers', 'limits'], problems, 'route', "{ headers: { … }, limits: { body: '10kb' } }") && overrides.limits !== undefined) {
      if (checkObject(overrides.limits, ['body'], problems, 'route.limits', "{ body: '10kb' }")) {
        bodyLimit = readSize(overrides.limits.body, this.limits.body, problems, 'route.limits.body');
        if (bodyLimit > this.limits.body) {
          problems.add('route.limits.body', `${bodyLimit} bytes is above the policy-wide limit (${this.limits.body}), which has already been enforced when route middleware runs.`, "declare the larger limit in the policy: routes: [{ path: '/upload', limits: { body: '10mb' } }].");
        }
      }
    }
    const headerOptions = mergeOptions(this.compiled.headerOptions, overrides.headers);
    const plan = compileHeaderPlan(headerOptions, { profile: this.profile, problems, path: 'route.headers', reporting: this.compiled.reporting });
    problems.throwIfAny();
    return { plan, bodyLimit };
  }
}

/** The features of a compiled policy whose configured store is process-local, in a fixed order. */
function processLocalState(compiled: CompiledPolicy): StatefulFeature[] {
  const stores: Array<[StatefulFeature, unknown]> = [
    ['sessions', compiled.sessions?.store],
    ['rateLimit', compiled.rateLimit?.store],
    ['signatures', compiled.signatures?.nonceStore],
    ['idempotency', compiled.idempotency?.store],
  ];
  return stores.filter(([, store]) => isProcessLocal(store)).map(([feature]) => feature);
}

function showDevelopmentNotice(compiled: CompiledPolicy): void {
  if (noticeShown || compiled.relaxed.length === 0) return;
  noticeShown = true;
  const lines = compiled.relaxed.map((item) => `  - ${item}`).join('\n');
  process.stderr.write(
    `[aegis] development profile (${compiled.profileSource}): relaxed for local work:\n${lines}\n` +
      '  Everything else is enforced as in production. Set AEGIS_ENV=production to run the strict profile.\n',
  );
}

/**
 * Creates a policy: resolves `options` against the profile (`AEGIS_ENV`, else `NODE_ENV`, else
 * development), validates everything once and precomputes every header.
 *
 * @throws AegisConfigError listing every invalid option with its path and fix.
 * @example
 * import { aegis } from 'aegis';
 * const policy = aegis({ hosts: ['example.com', '*.example.com'], proxy: { trust: ['loopback'] } });
 */
export function aegis(options: AegisOptions = {}): AegisPolicy {
  return new AegisPolicy(options);
}
