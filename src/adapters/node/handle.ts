import type { IncomingMessage, ServerResponse } from 'node:http';
import { aegis, isAegisPolicy, type AegisPolicy } from '../../core/policy.js';
import type { AegisOptions } from '../../core/options.js';
import type { AegisContext, RequestState } from '../../core/request.js';
import { limitBodyStream } from './body-limit.js';
import { runNodeGuards } from './guards.js';
import { STATE } from './aegis-response.js';
import { NodeRequestView } from './request-view.js';
import { addCorsHeaders, applyHeaderPlan, sendReply } from './respond.js';

/**
 * Request → state, for requests that are not AegisIncomingMessage (servers not made by
 * `createServer()`/`serverOptions()`). A WeakMap rather than a new property: adding a property to
 * Node's IncomingMessage objects changes their hidden class and slows Node's own code down.
 */
const states = new WeakMap<IncomingMessage, RequestState>();

type WithSlot = IncomingMessage & { [STATE]?: RequestState };

function attach(req: IncomingMessage, state: RequestState): void {
  if (STATE in req) (req as WithSlot)[STATE] = state;
  else states.set(req, state);
}

function stateOf(req: IncomingMessage): RequestState | undefined {
  return STATE in req ? (req as WithSlot)[STATE] : states.get(req);
}

/** Accepts a compiled policy or options to compile. @internal */
export function toPolicy(policyOrOptions: AegisPolicy | AegisOptions | undefined): AegisPolicy {
  return isAegisPolicy(policyOrOptions) ? policyOrOptions : aegis(policyOrOptions);
}

/**
 * Runs the policy on a node:http request. Returns the request's state when it may go on (headers
 * applied, body limited); returns `undefined` when Aegis has answered it. Shared by every adapter
 * built on node:http (node, Express, Connect). @internal
 */
export function handleNodeRequest(policy: AegisPolicy, req: IncomingMessage, res: ServerResponse): RequestState | undefined {
  const outcome = policy.inspect(new NodeRequestView(req));
  if (outcome.kind === 'reply') {
    sendReply(res, outcome.reply);
    return undefined;
  }
  const { state } = outcome;
  attach(req, state);
  if (outcome.kind === 'endpoint') {
    const { headers } = req;
    void outcome.endpoint
      .receive(state, { contentType: headers['content-type'], contentLength: headers['content-length'], body: req })
      .then((reply) => sendReply(res, reply));
    return undefined;
  }
  applyHeaderPlan(res, state.plan, state);
  if (state.corsHeaders) addCorsHeaders(res, state.corsHeaders);
  limitBodyStream(req, res, state, policy.events);
  return state;
}

/**
 * {@link handleNodeRequest}, then the request guards (sessions, CSRF): calls `proceed` with the
 * state when the request may reach the application. @internal
 */
export function guardNodeRequest(policy: AegisPolicy, req: IncomingMessage, res: ServerResponse, proceed: (state: RequestState) => void): void {
  const state = handleNodeRequest(policy, req, res);
  if (!state) return;
  if (policy.needsGuard(state)) runNodeGuards(policy, state, req, res, () => proceed(state));
  else proceed(state);
}

/** The Aegis context of a request that went through an adapter, or `undefined`. */
export function getAegisContext(req: IncomingMessage): AegisContext | undefined {
  return stateOf(req);
}

/** The internal state of a request (for route-level middleware). @internal */
export function getRequestState(req: IncomingMessage): RequestState | undefined {
  return stateOf(req);
}
