/**
 * The cookie part of `aegis scan`: parse served `Set-Cookie` headers (RFC 6265bis) and evaluate
 * them, as pure functions with no network. Findings never carry a cookie's value. Not a package
 * subpath yet.
 * @packageDocumentation
 */
export { parseSetCookie, describeCookie, defaultPath } from './parse-set-cookie.js';
export type { ParsedSetCookie, SameSite, SeenAttribute, SetCookieParse } from './parse-set-cookie.js';
export { parseCookieDate } from './cookie-date.js';
export { isSessionLikeName } from './session-names.js';
export { domainScope, canonicalHost, isLoopbackHost } from './domain-scope.js';
export type { DomainScope } from './domain-scope.js';
export { evaluateCookies, evaluateCookie, lifetimeSeconds, SESSION_LIFETIME_INFO, SESSION_LIFETIME_LOW, LIFETIME_CAP } from './evaluate.js';
export type { CookieContext } from './evaluate.js';
export { COOKIE_FINDINGS, COOKIE_FINDING_TABLE } from './findings.js';
export type { CookieFinding, CookieFindingKind, ScanSeverity } from './findings.js';
