import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AegisOptions } from '../../core/options.js';
import type { AegisPolicy } from '../../core/policy.js';
import { guardNodeRequest, toPolicy } from './handle.js';

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
  return (req, res) => guardNodeRequest(compiled, req, res, () => listener(req, res));
}
