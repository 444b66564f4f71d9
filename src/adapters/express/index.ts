/**
 * `aegis/express`: Aegis as Express 5 (and Connect-style) middleware.
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AegisOptions } from '../../core/options.js';
import type { AegisPolicy, RouteOverrideOptions } from '../../core/policy.js';
import { AegisRejection } from '../../core/reply.js';
import { getRequestState, guardNodeRequest, toPolicy } from '../node/handle.js';
import type { RequestState } from '../../core/request.js';
import type { AccessRequirement } from '../../guards/roles.js';
import { headerWriter } from '../node/aegis-response.js';
import { applyHeaderPlan, removeHeaderPlan, sendReply } from '../node/respond.js';

export { getAegisContext } from '../node/handle.js';
export type { AegisContext } from '../../core/request.js';

type Response = ServerResponse & { locals?: Record<string, unknown> };
type Next = (error?: unknown) => void;

/** Express / Connect middleware with a `route()` helper for per-route overrides. */
export interface AegisMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: Next): void;
  /**
   * Middleware for one route that changes headers (or lowers the body limit) for it, compiled
   * once when the route is declared.
   * @example app.get('/embed', security.route({ headers: { xFrameOptions: false, contentSecurityPolicy: { directives: { frameAncestors: ['https://partner.example'] } } } }), handler)
   */
  route(overrides: RouteOverrideOptions): (req: IncomingMessage, res: ServerResponse, next: Next) => void;
  /**
   * Middleware that lets a request through only when its principal has one of `roles` (from the
   * policy's `roles.of`): 401 when nobody is signed in, 403 otherwise, with an `rbac.denied` event.
   * @example app.get('/admin', security.requireRole('admin'), handler)
   */
  requireRole(...roles: string[]): (req: IncomingMessage, res: ServerResponse, next: Next) => void;
  /**
   * As {@link AegisMiddleware.requireRole}, for a permission granted by any of the principal's roles
   * (the policy's `roles.permissions`).
   * @example app.delete('/users/:id', security.requirePermission('users.write'), handler)
   */
  requirePermission(permission: string): (req: IncomingMessage, res: ServerResponse, next: Next) => void;
  /** The compiled policy. */
  readonly policy: AegisPolicy;
}

/**
 * Aegis for Express 5 (and any Connect-style framework). Mount it first: it rejects what the
 * policy refuses, sets the security headers, limits the body, and exposes the request's context
 * as `res.locals.aegis` and its CSP nonce as `res.locals.cspNonce`.
 *
 * @param policy a policy from `aegis()`, or options to build one.
 * @example
 * import express from 'express';
 * import { aegis } from 'aegis';
 * import { aegisMiddleware } from 'aegis/express';
 * const app = express();
 * const security = aegisMiddleware(aegis({ hosts: ['example.com'] }));
 * app.use(security);
 * app.get('/', (req, res) => res.send(`<script nonce="${res.locals.cspNonce}">…</script>`));
 */
export function aegisMiddleware(policy?: AegisPolicy | AegisOptions): AegisMiddleware {
  const compiled = toPolicy(policy);
  const middleware = ((req: IncomingMessage, res: Response, next: Next) => {
    // Already guarded by a server from aegis/node's createServer(): only Express's own additions
    // (X-Powered-By, set after that) remain to be removed.
    const expose = (state: RequestState): void => {
      if (res.locals) {
        res.locals.aegis = state;
        res.locals.cspNonce = state.cspNonce;
        if (state.session) res.locals.session = state.session;
      }
      next();
    };
    const guarded = getRequestState(req);
    if (!guarded) {
      guardNodeRequest(compiled, req, res, expose);
      return;
    }
    headerWriter.strip(res, guarded.plan.remove);
    expose(guarded);
  }) as AegisMiddleware;
  middleware.route = (overrides) => {
    const override = compiled.routeOverride(overrides);
    return (req, res, next) => {
      const state = getRequestState(req);
      if (!state) {
        next(new Error('aegis: route() middleware needs the Aegis middleware mounted first (app.use(security)).'));
        return;
      }
      removeHeaderPlan(res, state.plan);
      state.plan = override.plan;
      applyHeaderPlan(res, override.plan, state);
      if (override.bodyLimit !== undefined && override.bodyLimit < state.bodyLimit) {
        state.bodyLimit = override.bodyLimit;
        const declared = req.headers['content-length'];
        if (declared !== undefined && Number(declared) > override.bodyLimit) {
          sendReply(res, new AegisRejection(413, 'Payload Too Large', 'body.too_large', true).toReply());
          return;
        }
      }
      next();
    };
  };
  const guardWith = (requirement: AccessRequirement) => (req: IncomingMessage, res: ServerResponse, next: Next) => {
    const state = getRequestState(req);
    if (!state) {
      next(new Error('aegis: requireRole()/requirePermission() need the Aegis middleware mounted first (app.use(security)).'));
      return;
    }
    compiled.authorize(state, requirement).then(
      (reply) => (reply ? sendReply(res, reply) : next()),
      (error: unknown) => next(error),
    );
  };
  middleware.requireRole = (...roles) => {
    if (roles.length === 0 || !roles.every((role) => typeof role === 'string' && role !== '')) throw new TypeError('requireRole(...roles): give at least one role name.');
    return guardWith({ roles });
  };
  middleware.requirePermission = (permission) => {
    if (typeof permission !== 'string' || permission === '') throw new TypeError('requirePermission(permission): give a permission name.');
    return guardWith({ permission });
  };
  Object.defineProperty(middleware, 'policy', { value: compiled, enumerable: true });
  return middleware;
}
