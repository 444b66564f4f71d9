/**
 * Aegis: one security policy for a Node.js web service, enforced in-process.
 * @packageDocumentation
 */
export { aegis, AegisPolicy, isAegisPolicy } from './core/policy.js';
export type { RouteOverride, RouteOverrideOptions, PolicySummary } from './core/policy.js';
export { AegisConfigError } from './core/config-error.js';
export type { ConfigProblem } from './core/config-error.js';
export { AegisRejection } from './core/reply.js';
export type { AegisReply } from './core/reply.js';
export type { AegisOptions, RouteOptions, PolicySettings } from './core/options.js';
export type { Profile } from './core/profile.js';
export type { AegisContext, RequestView } from './core/request.js';
export type { Outcome } from './core/pipeline.js';
export type { AegisEvent, AegisEventType, EventLevel, EventListener, EventLogger } from './core/events.js';
export { parseDuration, parseSize, parseRate } from './core/units.js';
export type { Duration, Size, Rate } from './core/units.js';
export type { HeadersOptions, HeaderPlan, HeaderPair } from './headers/plan.js';
export type { CspOptions } from './headers/csp.js';
export type { CspDirectives } from './headers/csp-directives.js';
export type { HstsOptions } from './headers/hsts.js';
export type { PermissionsPolicyOptions } from './headers/permissions-policy.js';
export type { ReferrerPolicy } from './headers/fixed-headers.js';
export type { ReportingOptions } from './csp-report/reporting-options.js';
export type { CspViolation } from './csp-report/parse-reports.js';
export type { HostsOption } from './transport/host-allowlist.js';
export type { ProxyOptions } from './transport/trusted-proxy.js';
export type { LimitsOptions, ServerLimitOptions } from './transport/limits.js';
export type { HttpsRedirectOptions } from './transport/https-redirect.js';
export type { SessionSettings } from './sessions/options.js';
export type { RequestSession, SessionManager } from './sessions/session.js';
export type { CsrfOptions, CsrfExemption } from './csrf/options.js';
export type { CorsOptions } from './cors/options.js';
export type { RateLimitOptions } from './rate-limit/options.js';
export type { RateLimitRule, RateLimitKeyKind, RateLimitKeyFunction } from './rate-limit/rule.js';
export type { IpRules } from './transport/ip-list.js';
export type { RolesOptions, AccessRequirement } from './guards/roles.js';
export type { InternalSecretOptions } from './core/options.js';
export type { ApiKeysOptions, ApiKeyRequirement, ApiKeyIdentity } from './transport/api-key-guard.js';
/** Makes an API key in code, as `aegis key create` does: the key (shown once) and its stored line. */
export { createApiKey } from './api-keys/api-keys.js';
export type { CreateApiKeyOptions, StoredApiKey } from './api-keys/api-keys.js';
export type { SignatureOptions } from './guards/signature-guard.js';
export type { IdempotencyOptions, IdempotencyRouteOption } from './idempotency/options.js';
