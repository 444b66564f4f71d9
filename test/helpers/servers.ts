import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { aegis, type AegisEvent, type AegisOptions, type AegisPolicy } from '../../src/index.js';
import { aegisMiddleware, type AegisMiddleware } from '../../src/adapters/express/index.js';
import { applyServerLimits, getAegisContext, serverOptions, withAegis } from '../../src/adapters/node/index.js';

/** A running test server. */
export interface TestServer {
  port: number;
  policy: AegisPolicy;
  events: AegisEvent[];
  close(): Promise<void>;
}

/**
 * The ways a service runs Aegis: `node` and `express` on a server made with aegis/node's
 * `serverOptions()` (Aegis' request/response classes, virtual headers), `node-plain` and
 * `express-plain` on a plain `http.createServer()` (real header entries).
 */
export type AdapterName = 'node' | 'node-plain' | 'express' | 'express-plain';
export const ADAPTERS: readonly AdapterName[] = ['node', 'node-plain', 'express', 'express-plain'];

/** What the test application answers: the context Aegis gave it, as JSON. */
function describe(req: IncomingMessage, res: ServerResponse): void {
  const context = getAegisContext(req);
  const body = JSON.stringify({ clientIp: context?.clientIp, protocol: context?.protocol, host: context?.host, nonce: context?.cspNonce, path: context?.path });
  res.setHeader('Content-Type', 'application/json');
  res.end(body);
}

/** Reads the body and answers with its length (for body-limit tests). */
function echoLength(req: IncomingMessage, res: ServerResponse): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => (size += chunk.length));
  req.on('end', () => res.end(`received ${size}`));
  req.on('error', () => {});
}

function route(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'POST' || req.method === 'PUT') echoLength(req, res);
  else describe(req, res);
}

/** Starts a server of the given adapter on an ephemeral port with the policy's server limits. */
export async function startServer(
  adapter: AdapterName,
  options: AegisOptions | AegisPolicy,
  setup?: (app: express.Express, security: AegisMiddleware) => void,
): Promise<TestServer> {
  const policy = 'inspect' in options ? options : aegis({ env: 'test', ...options });
  const events: AegisEvent[] = [];
  policy.on('*', (event) => events.push(event));
  let server: Server;
  const serverSettings = adapter.endsWith('-plain') ? policy.serverOptions : serverOptions(policy);
  if (adapter.startsWith('node')) {
    server = createHttpServer(serverSettings, withAegis(policy, route));
  } else {
    const app = express();
    const security = aegisMiddleware(policy);
    app.use(security);
    setup?.(app, security);
    app.use((req, res) => route(req, res));
    server = createHttpServer(serverSettings, app);
  }
  applyServerLimits(server, policy);
  // Dual-stack: IPv4 clients arrive as ::ffff:127.0.0.1, which Aegis must normalise.
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    policy,
    events,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
