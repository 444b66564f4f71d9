/**
 * The policy's limits hold under serve() for both protocols of its default HTTP/2 server: HTTP/2
 * streams (body without Content-Length, header count and size) and HTTP/1.1 clients of the same
 * server (keep-alive timeout, header timeout), not only on plain node:http.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as http2Connect, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { connect, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent } from '../../src/index.js';
import { serve, type AegisServer } from '../../src/serve/index.js';
import { certificateFiles } from '../helpers/certificates.js';

const files = certificateFiles({ dnsNames: ['localhost'] });
let server: AegisServer | undefined;
let session: ClientHttp2Session | undefined;
afterEach(async () => {
  session?.destroy();
  session = undefined;
  await server?.close();
  server = undefined;
});

async function start(limits: Record<string, unknown>) {
  const policy = aegis({ env: 'test', hosts: ['localhost'], limits });
  const events: AegisEvent[] = [];
  policy.on('*', (event) => events.push(event));
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => res.end(`received ${size}`));
  };
  server = await serve(handler, policy, { port: 0, redirectPort: false, handleSignals: false, watchCertificate: false, tls: { cert: files.cert, key: files.key } });
  return { port: server.port, events };
}

/** One HTTP/2 request: status and body, or the stream's error code. */
function h2(port: number, headers: OutgoingHttpHeaders, body?: Buffer): Promise<{ status: number; body: string } | { error: string }> {
  const client = (session ??= http2Connect(`https://localhost:${port}`, { ca: files.pem.cert }));
  return new Promise((resolve) => {
    const stream = client.request(headers);
    let status = 0;
    let text = '';
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve({ status, body: text }));
    stream.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    if (body) {
      // Written in pieces, without Content-Length: HTTP/2 frames carry the body.
      for (let i = 0; i < body.length; i += 16_384) stream.write(body.subarray(i, i + 16_384));
    }
    stream.end();
  });
}

function openTls(port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: files.pem.cert, ALPNProtocols: ['http/1.1'] }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('HTTP/2 streams under serve()', () => {
  it('counts a body sent without Content-Length against limits.body: 413, and the event', async () => {
    const { port, events } = await start({ body: '1kb' });
    expect(await h2(port, { ':method': 'POST', ':path': '/' }, Buffer.alloc(1024))).toEqual({ status: 200, body: 'received 1024' });
    const refused = await h2(port, { ':method': 'POST', ':path': '/' }, Buffer.alloc(100_000));
    expect(refused).toEqual({ status: 413, body: 'Payload Too Large\n' });
    expect(events.filter((event) => event.type === 'body.too_large').map((event) => event.detail)).toEqual([{ limit: 1024, received: expect.any(Number) as number }]);
  });

  it('refuses a declared Content-Length over the limit', async () => {
    const { port } = await start({ body: '1kb' });
    expect(await h2(port, { ':method': 'POST', ':path': '/', 'content-length': '5000' }, Buffer.alloc(5000))).toEqual({ status: 413, body: 'Payload Too Large\n' });
  });

  it('answers 431 to more headers than limits.headerCount', async () => {
    const { port } = await start({ headerCount: 10 });
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`x-h${i}`, '1']));
    expect(await h2(port, { ':path': '/', ...many })).toEqual({ status: 431, body: 'Request Header Fields Too Large\n' });
    expect(await h2(port, { ':path': '/', 'x-one': '1' })).toEqual({ status: 200, body: 'received 0' });
  });

  it('answers 431 to a header block over limits.headerSize, and the event', async () => {
    const { port, events } = await start({ headerSize: '4kb' });
    expect(await h2(port, { ':path': '/', 'x-big': 'a'.repeat(8192) })).toEqual({ status: 431, body: 'Request Header Fields Too Large\n' });
    expect(events.map((event) => [event.type, event.status, event.reason, event.detail])).toEqual([['client.error', 431, 'headers.too_large', { limit: 4096 }]]);
    expect(await h2(port, { ':path': '/', 'x-big': 'a'.repeat(3000) })).toEqual({ status: 200, body: 'received 0' });
  });
});

describe('HTTP/1.1 clients of the HTTP/2 server', () => {
  it('closes an idle keep-alive connection after limits.keepAliveTimeout', async () => {
    const { port } = await start({ keepAliveTimeout: '300ms' });
    const socket = await openTls(port);
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const started = Date.now();
    await new Promise((resolve) => socket.once('data', resolve));
    await new Promise((resolve) => socket.once('close', resolve));
    const idle = Date.now() - started;
    expect(idle).toBeGreaterThanOrEqual(250);
    expect(idle).toBeLessThan(3000);
  });

  it('answers 408 to a header trickle once limits.headersTimeout passes', async () => {
    const { port, events } = await start({ headersTimeout: '1s' });
    const socket = await openTls(port);
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
    const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
    await closed;
    clearInterval(timer);
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\n\r\nRequest Timeout\n$/);
    expect(events.map((event) => [event.type, event.status, event.reason])).toEqual([['client.error', 408, 'request.timeout']]);
  });
});
