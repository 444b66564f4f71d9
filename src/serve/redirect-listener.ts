import type { RequestListener } from 'node:http';
import { withAegis } from '../adapters/node/index.js';
import { aegis, type AegisPolicy } from '../core/policy.js';

/**
 * The plain-HTTP listener's handler: every request is checked like any other (Host allowlist,
 * limits) and then redirected to the same host, path and query on the HTTPS port. It faces clients
 * directly, so no forwarding header is believed; ACME challenges are redirected too (serve them
 * over HTTPS, or let the HTTP-01 client bind its own port).
 */
export function createRedirectListener(policy: AegisPolicy, httpsPort: number): RequestListener {
  const { settings } = policy.compiled;
  const redirecting = aegis({
    ...settings,
    env: policy.profile,
    proxy: false,
    httpsRedirect: { ...(typeof settings.httpsRedirect === 'object' ? settings.httpsRedirect : {}), port: httpsPort, exclude: [] },
    routes: undefined,
    // Every request is redirected before any session could be read.
    sessions: false,
    quiet: true,
    logger: undefined,
    onEvent: (event) => policy.emit(event),
  });
  return withAegis(redirecting, (_req, res) => {
    // Unreachable: with no proxy trusted, every request here is plain HTTP and is redirected above.
    res.statusCode = 404;
    res.end();
  });
}
