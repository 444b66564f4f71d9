import type { Server as HttpServer, ServerResponse } from 'node:http';
import type { Http2SecureServer, Http2Session } from 'node:http2';
import type { Server as TlsServer } from 'node:tls';

type AnyServer = HttpServer | Http2SecureServer | TlsServer;

/** Keeps count of in-flight requests and HTTP/2 sessions, so that a shutdown can let them finish. */
export class ShutdownTracker {
  private readonly responses = new Set<ServerResponse>();
  private readonly sessions = new Set<Http2Session>();
  private closing = false;

  constructor(private readonly server: AnyServer) {
    server.on('request', (_req: unknown, res: ServerResponse) => {
      this.responses.add(res);
      if (this.closing) closeAfter(res);
      res.on('close', () => {
        this.responses.delete(res);
        if (this.closing) this.closeIdle();
      });
    });
    server.on('session', (session: Http2Session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
    });
  }

  /** Requests still being answered. */
  get inFlight(): number {
    return this.responses.size;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (answering them with
   * `Connection: close`), closes idle keep-alive connections and HTTP/2 sessions, and after
   * `timeoutMs` closes whatever is left. Resolves when the server has closed.
   */
  shutdown(timeoutMs: number): Promise<{ forced: boolean }> {
    this.closing = true;
    return new Promise((resolve) => {
      let forced = false;
      const deadline = setTimeout(() => {
        forced = true;
        (this.server as HttpServer).closeAllConnections?.();
        for (const session of this.sessions) session.destroy();
      }, timeoutMs);
      deadline.unref();
      this.server.close(() => {
        clearTimeout(deadline);
        resolve({ forced });
      });
      for (const res of this.responses) closeAfter(res);
      for (const session of this.sessions) session.close();
      this.closeIdle();
    });
  }

  private closeIdle(): void {
    (this.server as HttpServer).closeIdleConnections?.();
  }
}

/** Ends keep-alive on a response that has not started yet (HTTP/1 only: HTTP/2 uses GOAWAY). */
function closeAfter(res: ServerResponse): void {
  if (!res.headersSent && (res as { stream?: unknown }).stream === undefined) res.setHeader('Connection', 'close');
}
