import type { SecretRing } from '../config/secret.js';
import { AegisRejection } from '../core/reply.js';
import { matchExemption } from './exemptions.js';
import { checkRequestOrigin, isSafeMethod } from './fetch-metadata.js';
import type { OriginCheckReason } from './fetch-metadata.js';
import type { ResolvedCsrfExemption, ResolvedCsrfOptions } from './options.js';
import { readSubmittedToken, tokensEqual, verifyDoubleSubmit } from './token.js';

/** What the CSRF check reads from a request; an adapter builds it from its request view. */
export interface CsrfRequest {
  /** The request line's method (override headers and `_method` are ignored). */
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** The Host the client asked for, with its port if any. */
  readonly host: string | undefined;
  /** True when the client used HTTPS (directly or via a trusted proxy). */
  readonly https: boolean;
  /** One header by lower-case name. */
  header(name: string): string | undefined;
  /** The already-parsed body (`req.body`), for the form field. */
  readonly body?: unknown;
}

/** The expected token(s) for this request. */
export interface CsrfTokenState {
  /** Synchronizer token stored in the server-side session. */
  readonly sessionToken?: string | undefined;
  /** Signed double-submit, for pages without a session: the cookie copy, the identifier it is bound to, the key ring. */
  readonly doubleSubmit?: {
    readonly cookieToken: string | undefined;
    readonly sessionIdentifier: string | undefined;
    readonly ring: SecretRing;
  };
}

export type CsrfReason = OriginCheckReason | 'missing-token' | 'bad-token';

/** The `csrf.rejected` event, without the request facts the adapter adds (id, ip, method, path). Never carries a token. */
export interface CsrfRejectedEvent {
  readonly type: 'csrf.rejected';
  readonly level: 'warn';
  readonly reason: CsrfReason;
  readonly status: 403;
}

export type CsrfDecision =
  | {
      readonly ok: true;
      /** Set when an exemption let the request through. */
      readonly exemption?: ResolvedCsrfExemption;
      /** True when no origin information was available and only the token was checked. */
      readonly weak?: true;
    }
  | {
      readonly ok: false;
      readonly status: 403;
      readonly reason: CsrfReason;
      /** Public response body. */
      readonly body: string;
      readonly event: CsrfRejectedEvent;
    };

const PASS: CsrfDecision = Object.freeze({ ok: true });

/**
 * The whole CSRF check for one request, in order: an exemption passes it (and is named in the
 * result); safe methods pass; then the origin layer ({@link checkRequestOrigin}); then the token
 * layer: a token from the header or form field must equal the session's synchronizer token or, for
 * sessionless pages, equal the double-submit cookie and carry a valid signature for the session
 * identifier. Failure: `403` with `Forbidden: CSRF check failed (<reason>)`.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 */
export function checkCsrf(request: CsrfRequest, tokens: CsrfTokenState, resolved: ResolvedCsrfOptions): CsrfDecision {
  const first = checkCsrfOrigin(request, resolved);
  if (first.decided) return first.decision;
  return checkCsrfToken(readSubmittedToken(request, resolved), tokens, first.weak);
}

/** The outcome of {@link checkCsrfOrigin}: decided, or the token must be checked. */
export type CsrfOriginStep = { readonly decided: true; readonly decision: CsrfDecision } | { readonly decided: false; readonly weak: boolean };

/**
 * The first half of {@link checkCsrf}, which needs no store and no body: exemptions, safe methods
 * and the origin layer. Adapters run it before reading a session or a form body, so a cross-site
 * request costs neither.
 */
export function checkCsrfOrigin(request: CsrfRequest, resolved: ResolvedCsrfOptions): CsrfOriginStep {
  const exemption = matchExemption(request.method, request.path, resolved.exemptions);
  if (exemption) return { decided: true, decision: { ok: true, exemption } };
  if (isSafeMethod(request.method)) return SAFE;
  const origin = checkRequestOrigin(
    {
      method: request.method,
      secFetchSite: request.header('sec-fetch-site'),
      origin: request.header('origin'),
      referer: request.header('referer'),
      host: request.host,
      https: request.https,
    },
    resolved,
  );
  if (!origin.ok) return { decided: true, decision: reject(origin.reason) };
  return origin.weak ? WEAK_ORIGIN : STRONG_ORIGIN;
}

/** The second half of {@link checkCsrf}: the submitted token against the expected one(s). */
export function checkCsrfToken(submitted: string | undefined, tokens: CsrfTokenState, weak: boolean): CsrfDecision {
  if (submitted === undefined) return reject('missing-token');
  if (!tokenValid(submitted, tokens)) return reject('bad-token');
  return weak ? WEAK_PASS : PASS;
}

const SAFE: CsrfOriginStep = Object.freeze({ decided: true, decision: PASS });
const WEAK_ORIGIN: CsrfOriginStep = Object.freeze({ decided: false, weak: true });
const STRONG_ORIGIN: CsrfOriginStep = Object.freeze({ decided: false, weak: false });
const WEAK_PASS: CsrfDecision = Object.freeze({ ok: true, weak: true });

function tokenValid(submitted: string, tokens: CsrfTokenState): boolean {
  if (tokens.sessionToken !== undefined) return tokensEqual(submitted, tokens.sessionToken);
  const ds = tokens.doubleSubmit;
  if (ds === undefined) return false;
  // Both checks always run: the timing does not show which one failed.
  const same = tokensEqual(submitted, ds.cookieToken);
  const signed = verifyDoubleSubmit(submitted, ds.sessionIdentifier, ds.ring);
  return same && signed;
}

function reject(reason: CsrfReason): CsrfDecision {
  return Object.freeze({
    ok: false,
    status: 403,
    reason,
    body: `Forbidden: CSRF check failed (${reason})\n`,
    event: Object.freeze({ type: 'csrf.rejected', level: 'warn', reason, status: 403 }),
  });
}

/** The rejection for an adapter to render (same status and body as the decision). */
export function csrfRejection(reason: CsrfReason): AegisRejection {
  return new AegisRejection(403, `Forbidden: CSRF check failed (${reason})`, `csrf.${reason}`);
}
