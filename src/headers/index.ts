/**
 * `aegis/headers`: the security-header building blocks, for tools that need them without a policy.
 * @packageDocumentation
 */
export { createNonce } from './nonce.js';
export { KNOWN_FEATURES, DEFAULT_DENIED } from './permissions-policy.js';
export type { PermissionsFeature, PermissionsPolicyOptions, PermissionsAllowlist } from './permissions-policy.js';
export { SOURCE_DIRECTIVES, TOKEN_DIRECTIVES, FLAG_DIRECTIVES } from './csp-directives.js';
export type { CspDirectives } from './csp-directives.js';
export { REFERRER_POLICIES } from './fixed-headers.js';
export type { ReferrerPolicy, FixedHeaderOptions } from './fixed-headers.js';
export type { CspOptions, CompiledCsp } from './csp.js';
export type { HstsOptions } from './hsts.js';
export type { HeadersOptions, HeaderPlan, HeaderPair } from './plan.js';
