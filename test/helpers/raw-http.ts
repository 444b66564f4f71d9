import { connect, type Socket } from 'node:net';

/** A response read off the wire, with header names lower-cased and repeated headers kept. */
export interface RawResponse {
  status: number;
  statusText: string;
  /** Header lines in wire order: `[name as sent, value]`. */
  lines: Array<[string, string]>;
  /** Lower-cased name → value (the last one when repeated). */
  headers: Record<string, string>;
  body: string;
  /** The whole response as received. */
  raw: string;
}

/** Options for {@link sendRaw}. */
export interface RawOptions {
  /** Local address to connect from (e.g. 127.0.0.2, to act as another peer). */
  localAddress?: string;
  host?: string;
  /** Give up after this many ms (default 5000). */
  timeout?: number;
  /** Write the request in pieces, waiting `delay` ms between them. */
  pieces?: string[];
  delay?: number;
}

/**
 * Sends bytes as written (no client-side fixing of headers) and reads one response.
 * The connection is closed after the first complete response, or when the server closes it.
 */
export function sendRaw(port: number, request: string | Buffer, options: RawOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: options.host ?? '127.0.0.1', localAddress: options.localAddress });
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${options.timeout ?? 5000} ms; got ${JSON.stringify(data.toString('latin1').slice(0, 300))}`));
    }, options.timeout ?? 5000);
    const finish = () => {
      const parsed = parseResponse(data.toString('latin1'));
      if (!parsed) return false;
      clearTimeout(timer);
      socket.destroy();
      resolve(parsed);
      return true;
    };
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      finish();
    });
    socket.on('error', () => {
      // A reset after the response is fine; before it, 'close' reports the failure.
    });
    socket.on('close', () => {
      if (!finish()) {
        clearTimeout(timer);
        reject(new Error(`connection closed before a complete response; got ${JSON.stringify(data.toString('latin1').slice(0, 300))}`));
      }
    });
    socket.on('connect', async () => {
      if (options.pieces) {
        for (const piece of options.pieces) {
          if (socket.destroyed) return;
          socket.write(piece);
          await new Promise((r) => setTimeout(r, options.delay ?? 100));
        }
      } else socket.write(request);
    });
  });
}

/** Parses one HTTP/1.1 response; `undefined` while incomplete. Handles Content-Length and chunked bodies. */
export function parseResponse(text: string): RawResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine)}`);
  const lines = headerLines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of lines) headers[name.toLowerCase()] = value;
  const rest = text.slice(end + 4);
  let body: string;
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (Buffer.byteLength(rest, 'latin1') < length) return undefined;
    body = rest.slice(0, length);
  } else if (headers['transfer-encoding'] === 'chunked') {
    const decoded = decodeChunked(rest);
    if (decoded === undefined) return undefined;
    body = decoded;
  } else body = rest;
  return { status: Number(match[1]), statusText: match[2] ?? '', lines, headers, body: Buffer.from(body, 'latin1').toString('utf8'), raw: text };
}

function decodeChunked(text: string): string | undefined {
  let body = '';
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (size === 0) return body;
    if (text.length < lineEnd + 2 + size + 2) return undefined;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/** `GET path` with the given Host (or none when `host` is null) and extra header lines. */
export function get(path: string, host: string | null, extra: string[] = []): string {
  const hostLine = host === null ? [] : [`Host: ${host}`];
  return [`GET ${path} HTTP/1.1`, ...hostLine, ...extra, 'Connection: close', '', ''].join('\r\n');
}

/**
 * Writes `GET path` for `localhost` on an open socket (a TLS one, usually) and reads one response,
 * leaving the connection open for the next (keep-alive unless the server closes it).
 */
export function getOnSocket(socket: Socket, path = '/'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let data = '';
    const onData = (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const response = parseResponse(data);
      if (response) {
        socket.off('data', onData);
        resolve(response);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  });
}
