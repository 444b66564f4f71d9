import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';

type AnyServer = HttpServer | Http2SecureServer | TlsServer;

/**
 * Knows every connection of a server and what it is doing, so that a shutdown can stop accepting,
 * let in-flight requests finish, and close the rest — for node:http, node:https and node:http2
 * (whose HTTP/1.1 fallback has no `closeIdleConnections`).
 */
export class ShutdownTracker {
  /** HTTP/1 connections → requests in flight on them. */
  private readonly connections = new Map<Socket, number>();
  private readonly sessions = new Set<Http2Session>();
  /** HTTP/2 streams being answered. */
  private streams = 0;
  private closing = false;

  constructor(private readonly server: AnyServer) {
    // TLS servers: the TLS socket (what requests see); plain servers: the TCP socket.
    const tls = 'setSecureContext' in server;
    server.on(tls ? 'secureConnection' : 'connection', (socket: Socket | TLSSocket) => {
      // HTTP/2 connections are tracked by their session (GOAWAY lets open streams finish);
      // ending the socket under a session would cut its streams off.
      if ((socket as TLSSocket).alpnProtocol === 'h2') return;
      this.connections.set(socket, 0);
      socket.once('close', () => this.connections.delete(socket));
    });
    server.on('session', (session: Http2Session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      const busy = this.connections.get(socket);
      if (busy === undefined) {
        // An HTTP/2 stream: its session is closed with GOAWAY, which lets it finish.
        this.streams += 1;
        res.once('close', () => (this.streams -= 1));
        return;
      }
      this.connections.set(socket, busy + 1);
      if (this.closing) closeAfter(res);
      res.once('close', () => {
        const left = (this.connections.get(socket) ?? 1) - 1;
        this.connections.set(socket, left);
        if (this.closing && left === 0) socket.end();
      });
    });
  }

  /** Requests still being answered (HTTP/1 requests and HTTP/2 streams). */
  get inFlight(): number {
    let total = this.streams;
    for (const busy of this.connections.values()) total += busy;
    return total;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (answering them with
   * `Connection: close`; HTTP/2 sessions get GOAWAY), ends idle connections, and after `timeoutMs`
   * destroys whatever is left. Resolves when the server has closed.
   */
  shutdown(timeoutMs: number): Promise<{ forced: boolean }> {
    this.closing = true;
    return new Promise((resolve) => {
      let forced = false;
      const deadline = setTimeout(() => {
        forced = true;
        for (const socket of this.connections.keys()) socket.destroy();
        for (const session of this.sessions) session.destroy();
      }, timeoutMs);
      this.server.close(() => {
        clearTimeout(deadline);
        resolve({ forced });
      });
      for (const [socket, busy] of this.connections) {
        if (busy === 0) socket.end();
      }
      for (const session of this.sessions) session.close();
    });
  }
}

/** Ends keep-alive on an HTTP/1 response that has not started yet. */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}
