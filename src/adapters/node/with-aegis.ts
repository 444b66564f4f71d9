import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AegisOptions } from '../../core/options.js';
import type { AegisPolicy } from '../../core/policy.js';
import { runNodeGuards } from './guards.js';
import { handleNodeRequest, toPolicy } from './handle.js';

/**
 * Wraps a node:http request listener: guards run first, security headers are set, and the
 * listener only sees requests the policy accepts. The context (nonce, client IP…) is available
 * through `getAegisContext(req)`.
 * @example
 * import { aegis } from 'aegis';
 * import { withAegis, getAegisContext } from 'aegis/node';
 * const policy = aegis({ hosts: ['example.com'] });
 * http.createServer(withAegis(policy, (req, res) => {
 *   res.end(`<script nonce="${getAegisContext(req)?.cspNonce}">…</script>`);
 * }));
 */
export function withAegis(
  policy: AegisPolicy | AegisOptions,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const compiled = toPolicy(policy);
  return (req, res) => {
    const state = handleNodeRequest(compiled, req, res);
    if (!state) return;
    // No closure unless a guard needs one: this is every request's path.
    if (compiled.needsGuard(state)) runNodeGuards(compiled, state, req, res, () => listener(req, res));
    else listener(req, res);
  };
}
