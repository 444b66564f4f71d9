import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';

type AnyServer = HttpServer | Http2SecureServer | TlsServer;

/** The response an HTTP/1 connection is answering now (Node sets it while a response is open). */
function currentResponse(socket: Socket): ServerResponse | undefined {
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  return response && !response.writableFinished ? response : undefined;
}

/**
 * Knows every connection of a server, so that a shutdown can stop accepting, let in-flight
 * requests finish, and close the rest — for node:http, node:https and node:http2 with its HTTP/1.1
 * fallback. It costs nothing per request: connections are recorded as they open, and what each
 * one is doing is read only when the shutdown begins.
 */
export class ShutdownTracker {
  /** HTTP/1 connections (HTTP/2 ones are tracked by their session). */
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<Http2Session>();

  constructor(private readonly server: AnyServer) {
    // TLS servers: the TLS socket (what requests see); plain servers: the TCP socket.
    const tls = 'setSecureContext' in server;
    server.on(tls ? 'secureConnection' : 'connection', (socket: Socket | TLSSocket) => {
      // Ending the socket under an HTTP/2 session would cut its streams off; GOAWAY lets them finish.
      if ((socket as TLSSocket).alpnProtocol === 'h2') return;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('session', (session: Http2Session) => {
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
    });
  }

  /** Connections with a request in flight: HTTP/1 connections answering one, and HTTP/2 sessions. */
  get busy(): number {
    let count = this.sessions.size;
    for (const socket of this.sockets) if (currentResponse(socket)) count++;
    return count;
  }

  /**
   * Stops accepting connections, ends idle ones, lets in-flight requests finish (answered with
   * `Connection: close`, and their connection ended after them; HTTP/2 sessions get GOAWAY), and
   * after `timeoutMs` destroys whatever is left. Resolves when the server has closed.
   */
  shutdown(timeoutMs: number): Promise<{ forced: boolean }> {
    // Requests that still arrive on open connections are the last on them.
    this.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      if (this.sockets.has(req.socket)) lastOnConnection(res, req.socket);
    });
    return new Promise((resolve) => {
      let forced = false;
      const deadline = setTimeout(() => {
        forced = true;
        for (const socket of this.sockets) socket.destroy();
        for (const session of this.sessions) session.destroy();
      }, timeoutMs);
      this.server.close(() => {
        clearTimeout(deadline);
        resolve({ forced });
      });
      for (const socket of this.sockets) {
        const response = currentResponse(socket);
        if (response) lastOnConnection(response, socket);
        else socket.end();
      }
      for (const session of this.sessions) session.close();
    });
  }
}

/** Ends the connection once `res` is sent, and says so in its headers when they are not sent yet. */
function lastOnConnection(res: ServerResponse, socket: Socket): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  res.once('finish', () => socket.end());
}
