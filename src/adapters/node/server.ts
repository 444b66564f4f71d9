import { createServer as createHttpServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { AegisPolicy } from '../../core/policy.js';
import { normalisePeer } from '../../transport/ip.js';
import { withAegis } from './with-aegis.js';
import { AegisIncomingMessage, AegisServerResponse } from './aegis-response.js';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** Maps a parser or timeout error to the status Node would send, or `undefined` to just close. */
function statusFor(code: string | undefined): number | undefined {
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    default:
      return 400;
  }
}

/**
 * Applies the policy's header and time limits to a server you created yourself, and answers
 * malformed, oversized-header and too-slow requests with a short response and an event.
 * Call it before `listen()`: Node reads the timeout-check interval when the server starts.
 */
export function applyServerLimits<S extends Server>(server: S, policy: AegisPolicy): S {
  const limits = policy.serverOptions;
  const settable = server as unknown as Server & { maxHeaderSize: number; connectionsCheckingInterval: number };
  settable.maxHeaderSize = limits.maxHeaderSize;
  server.headersTimeout = limits.headersTimeout;
  server.requestTimeout = limits.requestTimeout;
  server.keepAliveTimeout = limits.keepAliveTimeout;
  // One more than allowed, so that the guard sees "too many" instead of Node silently dropping extras.
  server.maxHeadersCount = policy.limits.headerCount + 1;
  settable.connectionsCheckingInterval = limits.connectionsCheckingInterval;
  (server as unknown as { requireHostHeader: boolean }).requireHostHeader = limits.requireHostHeader;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(policy, error, socket));
  return server;
}

function answerClientError(policy: AegisPolicy, error: NodeJS.ErrnoException, socket: Socket): void {
  const status = statusFor(error.code);
  if (status === undefined || !socket.writable) {
    socket.destroy();
    return;
  }
  policy.emit({
    type: 'client.error',
    level: 'warn',
    time: Date.now(),
    ip: normalisePeer(socket.remoteAddress),
    status,
    reason: status === 408 ? 'request.timeout' : status === 431 ? 'headers.too_large' : 'request.malformed',
    detail: { code: error.code ?? 'unknown' },
  });
  const text = STATUS_TEXT[status] ?? 'Bad Request';
  const body = `${text}\n`;
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (pending?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  socket.destroySoon();
}

/**
 * Options for `http.createServer()` / `https.createServer()`: the policy's limits, plus request
 * and response classes that let Aegis attach its state and send its headers without slowing
 * Node down (see header-block.ts). Use them when you create the server yourself.
 * @example https.createServer({ ...serverOptions(policy), key, cert }, app)
 */
export function serverOptions(policy: AegisPolicy): ServerOptions & AegisPolicy['serverOptions'] {
  return { ...policy.serverOptions, IncomingMessage: AegisIncomingMessage, ServerResponse: AegisServerResponse };
}

/**
 * `http.createServer` with the policy's limits applied and the listener wrapped by
 * {@link withAegis}. The listener may be an Express app that mounts `aegisMiddleware` too: the
 * middleware then finds the request already guarded and only exposes the context
 * (`res.locals.cspNonce`) and removes what Express added.
 * @example
 * createServer(policy, (req, res) => res.end('ok')).listen(3000);
 */
export function createServer(policy: AegisPolicy, listener: RequestListener, options: ServerOptions = {}): Server {
  const server = createHttpServer({ ...serverOptions(policy), ...options }, withAegis(policy, listener));
  return applyServerLimits(server, policy);
}
