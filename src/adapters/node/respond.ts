import type { ServerResponse } from 'node:http';
import type { AegisReply } from '../../core/reply.js';
import type { RequestState } from '../../core/request.js';
import type { HeaderPair, HeaderPlan } from '../../headers/plan.js';
import { headerWriter } from './aegis-response.js';

/** Writes a reply Aegis decided on; headers the application may have set are dropped first. */
export function sendReply(res: ServerResponse, reply: AegisReply): void {
  if (res.headersSent) {
    // Too late for a clean answer: end the exchange rather than let a bad request finish.
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.statusCode = reply.status;
  for (const [name, value] of reply.headers) res.setHeader(name, value);
  res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  // HTTP/2 responses (which have a stream) close differently: Connection is not allowed there.
  if (reply.close && (res as { stream?: unknown }).stream === undefined) res.setHeader('Connection', 'close');
  res.end(reply.body);
}

/** Applies a header plan: the precomputed headers, the CSP with this request's nonce, and removals. */
export function applyHeaderPlan(res: ServerResponse, plan: HeaderPlan, state: RequestState): void {
  headerWriter.apply(res, plan, state.secure, plan.csp ? state.cspNonce : '');
}

/** Removes what {@link applyHeaderPlan} set, so that a route-level plan can replace it. */
export function removeHeaderPlan(res: ServerResponse, plan: HeaderPlan): void {
  for (const [name] of plan.secure) res.removeHeader(name);
  if (plan.csp) res.removeHeader(plan.csp.headerName);
}

/** Adds CORS headers; `Vary` values are appended to any the response already has. */
export function addCorsHeaders(res: ServerResponse, headers: readonly HeaderPair[]): void {
  for (const [name, value] of headers) {
    if (name !== 'Vary') {
      res.setHeader(name, value);
      continue;
    }
    const existing = res.getHeader('vary');
    res.setHeader('Vary', existing === undefined || existing === '' ? value : `${String(existing)}, ${value}`);
  }
}
