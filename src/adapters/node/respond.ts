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

/**
 * Adds CORS headers. `Vary` values are appended to any the response has, and checked again when
 * the headers go out: an application that later sets its own `Vary` (instead of appending, as
 * Express's `res.vary()` does) would otherwise drop `Origin`, and a shared cache could then serve
 * one origin's answer to another.
 */
export function addCorsHeaders(res: ServerResponse, headers: readonly HeaderPair[]): void {
  for (const [name, value] of headers) {
    if (name !== 'Vary') res.setHeader(name, value);
    else {
      mergeVary(res, value);
      const writeHead = res.writeHead;
      res.writeHead = function writeHeadWithVary(this: ServerResponse, ...args: unknown[]) {
        mergeVary(this, value);
        return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
      } as ServerResponse['writeHead'];
    }
  }
}

/** Adds the `Vary` members in `value` that the response's `Vary` lacks. */
function mergeVary(res: ServerResponse, value: string): void {
  const existing = res.getHeader('vary');
  const current = existing === undefined ? '' : String(existing);
  if (current.trim() === '*') return;
  const have = new Set(current.split(',').map((member) => member.trim().toLowerCase()).filter(Boolean));
  const missing = value.split(',').map((member) => member.trim()).filter((member) => !have.has(member.toLowerCase()));
  if (missing.length > 0) res.setHeader('Vary', current.trim() === '' ? missing.join(', ') : `${missing.join(', ')}, ${current}`);
}
