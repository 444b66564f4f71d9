import { domainScope, isLoopbackHost } from './domain-scope.js';
import { COOKIE_FINDINGS, cookieFinding, type CookieFinding } from './findings.js';
import { describeCookie, parseSetCookie, type ParsedSetCookie } from './parse-set-cookie.js';
import { isSessionLikeName } from './session-names.js';

/** Where the `Set-Cookie` headers were served. */
export interface CookieContext {
  /** The URL that answered (its host and path decide Domain matching and the default path). */
  readonly url: URL;
  /** Whether the response came over HTTPS. */
  readonly https: boolean;
  /** The time to judge expiry against. Default: now. */
  readonly now?: Date;
}

const DAY = 86_400;
/** Session-like cookies living longer than this are reported (info). */
export const SESSION_LIFETIME_INFO = DAY;
/** Session-like cookies living longer than this are reported (low). */
export const SESSION_LIFETIME_LOW = 30 * DAY;
/** Browsers cap a cookie's lifetime at 400 days (RFC 6265bis 5.6.1, 5.6.2). */
export const LIFETIME_CAP = 400 * DAY;

/**
 * Evaluates the `Set-Cookie` headers of one response, and returns every finding: for each header,
 * the parser's syntax findings, then the evaluation. Decisions, all documented in the table:
 *
 * - **Secure** missing on an HTTPS response: high for session-like cookies (`isSessionLikeName`),
 *   medium otherwise. Over plain HTTP, a session-like cookie is high (`012`, it travels in clear)
 *   and other cookies get no finding here (plain HTTP itself is the transport scan's finding).
 *   Not repeated when the cookie is already reported as rejected for lacking Secure (017, 018, 019, 028).
 * - **Secure over http://** is dropped by browsers (`013`), except on `localhost` and loopback
 *   addresses, which browsers treat as secure contexts.
 * - **HttpOnly** is asked of session-like cookies only (CSRF cookies are meant to be read).
 * - **SameSite** missing is information (Chromium defaults to Lax, Firefox and Safari do not);
 *   an unknown value is ignored by browsers (`016`); `None` without Secure is rejected (`017`).
 * - **Prefixes** (`__Host-`, `__Secure-`, matched case-insensitively as RFC 6265bis does): broken
 *   rules make browsers reject the cookie.
 * - **Domain** wider than the host, or naming the host itself for a session cookie, is reported;
 *   a Domain that does not match (or a single-label one) makes browsers reject the cookie. Path is
 *   not a security boundary, so it is only checked for the `__Host-` rule.
 * - **Lifetime** (Max-Age, else Expires − now) of a session-like cookie: over 1 day info, over
 *   30 days low; any cookie over 400 days: info (browsers cap it).
 * - An **already expired** cookie (Max-Age ≤ 0, or Expires not after `now`) is a deletion: no
 *   evaluation findings (the parser's still apply).
 *
 * Evidence shows `name=[value hidden]` and the attributes served: never a cookie's value.
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpbis-rfc6265bis/
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies
 * @example evaluateCookies(['sid=abc'], { url: new URL('https://example.com/'), https: true }).map((f) => f.id)
 */
export function evaluateCookies(setCookieHeaders: readonly string[], context: CookieContext): CookieFinding[] {
  const findings: CookieFinding[] = [];
  setCookieHeaders.forEach((line, header) => {
    const parsed = parseSetCookie(line, context.url, header);
    findings.push(...parsed.findings);
    if (parsed.cookie) findings.push(...evaluateCookie(parsed.cookie, header, context));
  });
  return findings;
}

/** The evaluation findings of one parsed cookie (see `evaluateCookies`). */
export function evaluateCookie(cookie: ParsedSetCookie, header: number, context: CookieContext): CookieFinding[] {
  const now = (context.now ?? new Date()).getTime();
  const lifetime = lifetimeSeconds(cookie, now);
  if (lifetime !== undefined && lifetime <= 0) return [];
  const findings: CookieFinding[] = [];
  const evidence = describeCookie(cookie);
  const add = (kind: (typeof COOKIE_FINDINGS)[keyof typeof COOKIE_FINDINGS], fix: string) => findings.push(cookieFinding(kind, header, evidence, fix));
  const session = isSessionLikeName(cookie.name);
  const secureContext = context.https || isLoopbackHost(context.url.hostname);
  let rejectedForSecure = false;

  if (cookie.secure && !secureContext) add(COOKIE_FINDINGS.secureOverHttp, 'serve the site over HTTPS; browsers drop Secure cookies set over http://.');
  if (/^__host-/i.test(cookie.name) && (!cookie.secure || !secureContext || cookie.domain !== undefined || !cookie.pathAttribute || cookie.path !== '/')) {
    rejectedForSecure ||= !cookie.secure;
    add(COOKIE_FINDINGS.hostPrefix, 'a __Host- cookie needs Secure, Path=/ and no Domain, set over HTTPS; browsers reject it otherwise.');
  }
  if (/^__secure-/i.test(cookie.name) && (!cookie.secure || !secureContext)) {
    rejectedForSecure ||= !cookie.secure;
    add(COOKIE_FINDINGS.securePrefix, 'a __Secure- cookie needs Secure, set over HTTPS; browsers reject it otherwise.');
  }
  if (cookie.sameSite === 'none' && !cookie.secure) {
    rejectedForSecure = true;
    add(COOKIE_FINDINGS.sameSiteNoneInsecure, 'add Secure to a SameSite=None cookie (or use SameSite=Lax); Chromium-based browsers reject it.');
  }
  if (cookie.partitioned && !cookie.secure) {
    rejectedForSecure = true;
    add(COOKIE_FINDINGS.partitionedInsecure, 'add Secure to a Partitioned cookie; browsers reject it otherwise.');
  }

  if (!cookie.secure && !rejectedForSecure) {
    if (context.https) {
      if (session) add(COOKIE_FINDINGS.missingSecureSession, 'add Secure, so the session cookie is never sent over plain HTTP.');
      else add(COOKIE_FINDINGS.missingSecure, 'add Secure, so the cookie is never sent over plain HTTP.');
    } else if (session && !secureContext) {
      add(COOKIE_FINDINGS.cleartextSession, 'serve the site over HTTPS only and mark the session cookie Secure.');
    }
  }
  if (session && !cookie.httpOnly) add(COOKIE_FINDINGS.missingHttpOnly, 'add HttpOnly, so an injected script cannot read the session cookie.');
  if (cookie.sameSite === undefined) add(COOKIE_FINDINGS.missingSameSite, 'set SameSite=Lax (or Strict) explicitly; only Chromium-based browsers default to Lax.');
  else if (cookie.sameSite === 'invalid') add(COOKIE_FINDINGS.invalidSameSite, 'use SameSite=Strict, Lax or None; browsers ignore any other value.');

  switch (domainScope(cookie.domain, context.url.hostname)) {
    case 'parent':
      if (session) add(COOKIE_FINDINGS.parentDomainSession, 'remove Domain (or use a __Host- name): every subdomain of the parent domain receives and can overwrite this session cookie.');
      else add(COOKIE_FINDINGS.parentDomain, 'remove Domain unless every subdomain of the parent domain needs this cookie.');
      break;
    case 'host-and-subdomains':
      if (session) add(COOKIE_FINDINGS.subdomainsSession, 'remove Domain for a host-only session cookie; with it, every subdomain receives the cookie.');
      break;
    case 'mismatch':
      add(COOKIE_FINDINGS.domainMismatch, `remove Domain or set it to ${context.url.hostname} or a parent of it; browsers reject this cookie.`);
      break;
    case 'top-level':
      add(COOKIE_FINDINGS.topLevelDomain, 'remove Domain; browsers reject cookies for a top-level domain.');
      break;
    case 'host-only':
      break;
  }

  if (lifetime !== undefined) {
    if (session && lifetime > SESSION_LIFETIME_LOW) add(COOKIE_FINDINGS.veryLongSession, 'expire session cookies within hours to days (or omit Max-Age/Expires), and renew them server-side.');
    else if (session && lifetime > SESSION_LIFETIME_INFO) add(COOKIE_FINDINGS.longSession, 'consider a shorter session lifetime (a day or less) with server-side renewal.');
    if (lifetime > LIFETIME_CAP) add(COOKIE_FINDINGS.beyondCap, 'ask for 400 days at most; browsers cap the lifetime there anyway.');
  }
  return findings;
}

/** Seconds until the cookie expires (Max-Age first, then Expires); `undefined` for a browser-session cookie. */
export function lifetimeSeconds(cookie: ParsedSetCookie, now: number): number | undefined {
  if (cookie.maxAge !== undefined) return cookie.maxAge;
  if (cookie.expires !== undefined) return Math.floor((cookie.expires.getTime() - now) / 1000);
  return undefined;
}
