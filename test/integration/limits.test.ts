import { afterEach, describe, expect, it } from 'vitest';
import type { AegisOptions } from '../../src/index.js';
import { get, sendRaw } from '../helpers/raw-http.js';
import { ADAPTERS, startServer, type TestServer } from '../helpers/servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const POLICY: AegisOptions = {
  env: 'test',
  hosts: ['example.com'],
  limits: { body: '4kb', headersTimeout: '1s', requestTimeout: '3s' },
  routes: [{ path: '/upload', method: 'POST', limits: { body: '16kb' } }],
};

const chunk = (size: number) => `${size.toString(16)}\r\n${'a'.repeat(size)}\r\n`;
const chunkedPost = (path: string, chunks: number, size: number) =>
  [`POST ${path} HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, ...Array.from({ length: chunks }, () => chunk(size)), '0\r\n\r\n'];
const post = (path: string, length: number) => `POST ${path} HTTP/1.1\r\nHost: example.com\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n${'b'.repeat(length)}`;

async function expectHealthy(port: number) {
  const next = await sendRaw(port, get('/', 'example.com'));
  expect(next.status).toBe(200);
}

describe.each(ADAPTERS)('%s adapter: body limits', (adapter) => {
  it('accepts bodies within the limit, declared or chunked', async () => {
    server = await startServer(adapter, POLICY);
    expect((await sendRaw(server.port, post('/', 4096))).body).toBe('received 4096');
    expect((await sendRaw(server.port, '', { pieces: chunkedPost('/', 4, 1000), delay: 5 })).body).toBe('received 4000');
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    server = await startServer(adapter, POLICY);
    const response = await sendRaw(server.port, `POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 4097\r\n\r\n`);
    expect(response.status).toBe(413);
    expect(response.body).toBe('Payload Too Large\n');
    expect(response.headers.connection).toBe('close');
    expect(server.events.map((e) => [e.type, e.status, e.detail])).toEqual([['body.too_large', 413, { limit: 4096, declared: 4097 }]]);
    await expectHealthy(server.port);
  });

  it('cuts off a chunked body the moment it passes the limit', async () => {
    server = await startServer(adapter, POLICY);
    const response = await sendRaw(server.port, '', { pieces: chunkedPost('/', 20, 1000), delay: 20 });
    expect(response.status).toBe(413);
    expect(response.body).toBe('Payload Too Large\n');
    expect(response.headers.connection).toBe('close');
    expect(server.events.map((e) => [e.type, e.status, e.detail])).toEqual([['body.too_large', 413, { limit: 4096, received: 5000 }]]);
    await expectHealthy(server.port);
  });

  it('raises the limit for a route declared in the policy, and only there', async () => {
    server = await startServer(adapter, POLICY);
    expect((await sendRaw(server.port, '', { pieces: chunkedPost('/upload', 10, 1000), delay: 5 })).body).toBe('received 10000');
    expect((await sendRaw(server.port, post('/upload', 16 * 1024))).body).toBe('received 16384');
    expect((await sendRaw(server.port, post('/upload', 16 * 1024 + 1))).status).toBe(413);
    expect((await sendRaw(server.port, post('/other', 5000))).status).toBe(413);
  });
});

describe('Express route() lowers the body limit for one route', () => {
  it('refuses by Content-Length and on the stream', async () => {
    server = await startServer('express', POLICY, (app, security) => {
      app.post('/small', security.route({ limits: { body: 100 } }), (req, res) => {
        let size = 0;
        req.on('data', (c: Buffer) => (size += c.length));
        req.on('end', () => res.send(`small ${size}`));
      });
    });
    expect((await sendRaw(server.port, post('/small', 100))).body).toBe('small 100');
    const declared = await sendRaw(server.port, post('/small', 101));
    expect([declared.status, declared.body]).toEqual([413, 'Payload Too Large\n']);
    const streamed = await sendRaw(server.port, '', { pieces: chunkedPost('/small', 5, 60), delay: 20 });
    expect([streamed.status, streamed.body]).toEqual([413, 'Payload Too Large\n']);
    expect((await sendRaw(server.port, post('/', 3000))).body).toBe('received 3000');
  });
});

describe.each(ADAPTERS)('%s adapter: header and time limits', (adapter) => {
  it('answers 431 to more header lines than allowed (under the size limit)', async () => {
    server = await startServer(adapter, POLICY);
    const headers = Array.from({ length: 150 }, (_, i) => `X-H${i}: v`);
    const response = await sendRaw(server.port, get('/', 'example.com', headers));
    expect([response.status, response.body]).toEqual([431, 'Request Header Fields Too Large\n']);
    expect(server.events.map((e) => [e.type, e.status, e.detail])).toEqual([['headers.too_many', 431, { limit: 100 }]]);
    await expectHealthy(server.port);
  });

  it('answers 431 to thousands of headers past the size limit', async () => {
    server = await startServer(adapter, POLICY);
    const headers = Array.from({ length: 5000 }, (_, i) => `X-Header-${i}: value-${i}`);
    const response = await sendRaw(server.port, get('/', 'example.com', headers));
    expect([response.status, response.body]).toEqual([431, 'Request Header Fields Too Large\n']);
    expect(response.headers.connection).toBe('close');
    expect(server.events.map((e) => [e.type, e.status, e.reason, e.detail])).toEqual([['client.error', 431, 'headers.too_large', { code: 'HPE_HEADER_OVERFLOW' }]]);
    await expectHealthy(server.port);
  });

  it('answers 408 to a slow header trickle once headersTimeout passes', async () => {
    server = await startServer(adapter, POLICY);
    const pieces = ['GET / HTTP/1.1\r\n', 'Host: example.com\r\n', ...Array.from({ length: 20 }, (_, i) => `X-Slow-${i}: 1\r\n`)];
    const started = Date.now();
    const response = await sendRaw(server.port, '', { pieces, delay: 250, timeout: 8000 });
    const elapsed = Date.now() - started;
    expect([response.status, response.body]).toEqual([408, 'Request Timeout\n']);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(4000);
    expect(server.events.map((e) => [e.type, e.status, e.reason])).toEqual([['client.error', 408, 'request.timeout']]);
    await expectHealthy(server.port);
  });

  it('answers 400 to a request line that is not HTTP', async () => {
    server = await startServer(adapter, POLICY);
    const response = await sendRaw(server.port, 'HELLO THERE\r\n\r\n');
    expect([response.status, response.body]).toEqual([400, 'Bad Request\n']);
    await expectHealthy(server.port);
  });
});
