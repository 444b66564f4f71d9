/**
 * Server-side sessions, framework-free: a signed opaque cookie, idle and absolute timeouts judged on
 * the server, rotation on sign-in, logout and "sign out everywhere". Adapters build on
 * {@link createSessionManager}.
 * @packageDocumentation
 */
export { createSessionManager } from './session.js';
export type { UserSession, InvalidSessionReason, RegenerateOptions, RequestSession, SessionCommit, SessionManager } from './session.js';
export type { SessionOptions } from './options.js';
export { generateSessionId, readCookie, serializeSessionCookie, signSessionId, verifySessionCookie, SESSION_ID_BYTES } from './cookie.js';
export type { SessionCookieAttributes, VerifiedCookie } from './cookie.js';
export { SessionStoreError } from './store-error.js';
export type { SessionEventSource } from './session.js';
export type { SessionSettings } from './options.js';
export { CSRF_SESSION_KEY, csrfFieldHtml, sessionCsrfToken } from '../guards/csrf-token.js';
