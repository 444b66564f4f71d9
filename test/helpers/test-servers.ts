import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TlsOptions } from 'node:tls';

/** The address every test server binds: loopback only. */
export const HOST = '127.0.0.1';

/**
 * Servers started by a test file, on free loopback ports. Call `closeAll()` in `afterAll`.
 */
export class TestServers {
  private readonly servers: Array<TlsServer | TcpServer> = [];

  /** Listens on a free port of 127.0.0.1 and returns it. */
  async listen(server: TlsServer | TcpServer): Promise<number> {
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A node:tls server with `options` that completes handshakes and then closes; client errors are ignored. */
  tls(options: TlsOptions): Promise<number> {
    const server = createTlsServer(options, (socket) => socket.end());
    server.on('tlsClientError', () => undefined);
    return this.listen(server);
  }

  /** A plain TCP server that runs `answer` on each connection's first bytes (for malformed peers). */
  raw(answer: (socket: Socket) => void): Promise<number> {
    const server = createTcpServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => answer(socket));
    });
    return this.listen(server);
  }

  /** Stops the server on `port` now (to test a refused connection). */
  async close(port: number): Promise<void> {
    const server = this.servers.find((candidate) => (candidate.address() as AddressInfo | null)?.port === port);
    await new Promise((resolve) => server?.close(resolve));
  }

  closeAll(): void {
    for (const server of this.servers) server.close();
  }
}
