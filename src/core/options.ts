import type { ReportingOptions } from '../csp-report/reporting-options.js';
import type { Secret, SecretRing } from '../config/secret.js';
import type { CorsOptions } from '../cors/options.js';
import type { CsrfOptions } from '../csrf/options.js';
import type { RolesOptions } from '../guards/roles.js';
import type { SignatureOptions } from '../guards/signature-guard.js';
import type { IdempotencyOptions, IdempotencyRouteOption } from '../idempotency/options.js';
import type { RateLimitOptions } from '../rate-limit/options.js';
import type { SessionSettings } from '../sessions/options.js';
import type { HeadersOptions } from '../headers/plan.js';
import type { HostsOption } from '../transport/host-allowlist.js';
import type { ApiKeyRequirement, ApiKeysOptions } from '../transport/api-key-guard.js';
import type { IpRules } from '../transport/ip-list.js';
import type { HttpsRedirectOptions } from '../transport/https-redirect.js';
import type { LimitsOptions } from '../transport/limits.js';
import type { ProxyOptions } from '../transport/trusted-proxy.js';
import type { EventListener, EventLogger } from './events.js';
import type { Profile } from './profile.js';
import type { Size } from './units.js';

/** Overrides for one route, matched by path (and method) before any framework routing. */
export interface RouteOptions {
  /** `'/upload'`, `'/users/:id'` (one segment) or `'/api/*'` (the prefix and below). */
  path: string;
  /** Only for these methods. Default: every method. */
  method?: string | readonly string[];
  /** Per-route limits. */
  limits?: { body?: Size };
  /** Header options merged over the policy's (objects key by key; `false` turns a header off). */
  headers?: HeadersOptions;
  /** Who may reach the route, by client address (through trusted proxies only): `{ allow, deny }`. */
  ips?: IpRules;
  /**
   * An operational endpoint: requests must carry the policy's `internalSecret` in its header
   * (403 otherwise). Without a configured secret the route answers 503, and production refuses to start.
   */
  internal?: boolean;
  /** Requests need a valid API key (`true`), with these scopes when given (`{ scopes }`). Needs the policy's `apiKeys`. */
  apiKey?: ApiKeyRequirement;
  /**
   * Requests must carry a valid HMAC request signature (RFC 9421 profile) made with one of the
   * policy's `signatures.keys`, fresh and never replayed; 401 otherwise. Needs the policy's `signatures`.
   */
  signature?: boolean;
  /**
   * Idempotency keys (IETF draft): `true` requires an `Idempotency-Key` header (400 without),
   * `{ required: false }` honours it when sent. Needs the policy's `idempotency`.
   */
  idempotency?: IdempotencyRouteOption;
}

/** The shared secret that operational routes (`routes[].internal`) require. */
export interface InternalSecretOptions {
  /** Accepted secrets, newest first (rotation): a SecretRing, a Secret or strings, each of 256 bits. */
  secrets: SecretRing | Secret | readonly (string | Secret)[];
  /** The request header carrying it. Default `'x-internal-secret'`. */
  header?: string;
}

/** Everything a profile may override. */
export type PolicySettings = Omit<AegisOptions, 'env' | 'profiles'>;

/**
 * The policy. Every option has a secure default; the production profile needs only `hosts`.
 * @see README.md "Options" for the full reference.
 */
export interface AegisOptions {
  /** Profile to resolve against. Default: `AEGIS_ENV`, else `NODE_ENV`, else `'development'`. */
  env?: Profile;
  /**
   * Host names the service answers for (see {@link HostsOption}). Required in production.
   * Default outside production: `localhost`, `*.localhost`, `127.0.0.1`, `[::1]`.
   */
  hosts?: HostsOption;
  /** Trusted reverse proxies; default none (forwarding headers are ignored). */
  proxy?: ProxyOptions | false;
  /** Response headers. */
  headers?: HeadersOptions;
  /** Body, header and time limits. */
  limits?: LimitsOptions;
  /** Redirect plain HTTP to HTTPS. Default: on in production, off otherwise. */
  httpsRedirect?: HttpsRedirectOptions | boolean;
  /** CSP violation reports. Default: the built-in endpoint at `/_aegis/csp-report`. */
  reporting?: ReportingOptions | false;
  /** Per-route overrides, first match wins. */
  routes?: readonly RouteOptions[];
  /**
   * Server-side sessions: a signed opaque cookie, idle and absolute timeouts, rotation, revocation.
   * Default: none. Needs a `store` and `secrets`.
   */
  sessions?: SessionSettings | false;
  /**
   * CSRF protection for unsafe methods (POST, PUT, PATCH, DELETE…). Default: on. The Fetch
   * Metadata / Origin check always runs; with `sessions`, a synchronizer token is required too.
   */
  csrf?: CsrfOptions | false;
  /**
   * Cross-origin requests (CORS), strict: an allowlist of exact origins and explicit patterns,
   * preflights answered by Aegis. Default: off (no CORS headers: browsers keep responses same-origin).
   * Origins listed here (not `'*'`) are also trusted by the CSRF check.
   */
  cors?: CorsOptions | false;
  /** Rate limits per route and a default, counted in a shared store (GCRA). Default: none. */
  rateLimit?: RateLimitOptions | false;
  /** The API keys routes with `apiKey` accept (see {@link ApiKeysOptions}). Default: none. */
  apiKeys?: ApiKeysOptions;
  /** Where roles come from and what they permit, for `requireRole` / `requirePermission`. Default: none. */
  roles?: RolesOptions;
  /** The secret that `internal` routes require (see {@link InternalSecretOptions}). Default: none. */
  internalSecret?: InternalSecretOptions;
  /** The keys and nonce store that routes with `signature: true` verify with (see {@link SignatureOptions}). Default: none. */
  signatures?: SignatureOptions;
  /** The store and settings of routes with `idempotency` (see {@link IdempotencyOptions}). Default: none. */
  idempotency?: IdempotencyOptions;
  /** Settings merged in for one profile only, e.g. `{ development: { headers: { … } } }`. */
  profiles?: Partial<Record<Profile, PolicySettings>>;
  /** A pino-style logger that receives every security event. */
  logger?: EventLogger;
  /** Called with every security event. */
  onEvent?: EventListener;
  /** Do not print the development-profile notice. Default `false`. */
  quiet?: boolean;
}

export const OPTION_KEYS: readonly (keyof AegisOptions)[] = [
  'env',
  'hosts',
  'proxy',
  'headers',
  'limits',
  'httpsRedirect',
  'reporting',
  'routes',
  'sessions',
  'csrf',
  'cors',
  'rateLimit',
  'internalSecret',
  'roles',
  'apiKeys',
  'signatures',
  'idempotency',
  'profiles',
  'logger',
  'onEvent',
  'quiet',
];
