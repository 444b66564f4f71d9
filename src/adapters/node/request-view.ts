import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestView } from '../../core/request.js';

/** The core's view of a node:http request: reads straight from `IncomingMessage`, allocates nothing else. */
export class NodeRequestView implements RequestView {
  constructor(private readonly req: IncomingMessage) {}

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get target(): string {
    return this.req.url ?? '/';
  }

  get remoteAddress(): string | undefined {
    return this.req.socket.remoteAddress;
  }

  get encrypted(): boolean {
    return (this.req.socket as Partial<TLSSocket>).encrypted === true;
  }

  header(name: string): string | undefined {
    const { headers } = this.req;
    const value = headers[name];
    if (value === undefined && name === 'host') return headers[':authority'] as string | undefined; // HTTP/2
    return Array.isArray(value) ? value.join(', ') : value;
  }

  hostCount(): number {
    // Node keeps only the first Host in `headers`; duplicates are visible in rawHeaders.
    const raw = this.req.rawHeaders;
    let count = 0;
    let authority = 0;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) count++;
      else if (name === ':authority') authority++;
    }
    if (authority === 0) return count;
    // HTTP/2: :authority stands for Host; both may be sent only when they agree (RFC 9113 §8.3.1).
    const { headers } = this.req;
    return count === 0 || headers.host === headers[':authority'] ? Math.max(authority, count) : 2;
  }

  headerCount(): number {
    const raw = this.req.rawHeaders;
    if (this.req.httpVersionMajor < 2) return raw.length >> 1;
    let count = 0;
    for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).charCodeAt(0) !== 58 /* : */) count++;
    return count;
  }

  headerBytes(): number | undefined {
    if (this.req.httpVersionMajor < 2) return undefined;
    const raw = this.req.rawHeaders;
    let bytes = 0;
    for (let i = 0; i < raw.length; i++) bytes += (raw[i] as string).length;
    return bytes + 16 * raw.length; // 32 bytes per name/value pair
  }
}
