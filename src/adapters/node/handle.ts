import type { IncomingMessage, ServerResponse } from 'node:http';
import { aegis, isAegisPolicy, type AegisPolicy } from '../../core/policy.js';
import type { AegisOptions } from '../../core/options.js';
import type { AegisContext, RequestState } from '../../core/request.js';
import { limitBodyStream } from './body-limit.js';
import { NodeRequestView } from './request-view.js';
import { applyHeaderPlan, sendReply } from './respond.js';

const STATE = Symbol.for('aegis.request-state');

type WithState = IncomingMessage & { [STATE]?: RequestState };

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
  (req as WithState)[STATE] = state;
  if (outcome.kind === 'endpoint') {
    const { headers } = req;
    void outcome.endpoint
      .receive(state, { contentType: headers['content-type'], contentLength: headers['content-length'], body: req })
      .then((reply) => sendReply(res, reply));
    return undefined;
  }
  applyHeaderPlan(res, state.plan, state);
  limitBodyStream(req, res, state, policy.events);
  return state;
}

/** The Aegis context of a request that went through an adapter, or `undefined`. */
export function getAegisContext(req: IncomingMessage): AegisContext | undefined {
  return (req as WithState)[STATE];
}

/** The internal state of a request (for route-level middleware). @internal */
export function getRequestState(req: IncomingMessage): RequestState | undefined {
  return (req as WithState)[STATE];
}
