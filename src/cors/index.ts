/**
 * Strict, framework-free CORS: an allowlist of exact origins and `https://*.example.com` patterns,
 * compiled once ({@link resolveCorsOptions}, {@link compileCors}); {@link decideCors} then answers
 * each request with precomputed headers: preflights are answered (204) or refused (403), other
 * responses get the headers to add. An origin that is not allowed is never reflected.
 * @packageDocumentation
 */
export { decideCors } from './decide.js';
export type { CorsDecision, CorsRefusal, CorsRequest } from './decide.js';
export { compileCors, corsAllowsOrigin, resolveCorsOptions } from './options.js';
export type { CorsOptions, ResolvedCors } from './options.js';
export { checkOrigin, checkOrigins } from './origins.js';
export type { OriginCheck, OriginListProblem, OriginPattern, OriginRule } from './origins.js';
