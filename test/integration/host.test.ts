import { afterEach, describe, expect, it } from 'vitest';
import type { AegisOptions } from '../../src/index.js';
import { get, sendRaw } from '../helpers/raw-http.js';
import { ADAPTERS, startServer, type TestServer } from '../helpers/servers.js';

const MISDIRECTED = 'Misdirected Request: this server does not serve that host\n';
const POLICY: AegisOptions = { env: 'production', hosts: ['example.com', '*.example.org', 'api.example.net:8443'], httpsRedirect: false };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(ADAPTERS)('%s adapter: Host allowlist', (adapter) => {
  it.each([
    ['example.com', 200],
    ['EXAMPLE.com', 200],
    ['example.com.', 200],
    ['example.com:8080', 200],
    ['a.example.org', 200],
    ['a.b.example.org:443', 200],
    ['api.example.net:8443', 200],
    ['api.example.net', 421],
    ['api.example.net:443', 421],
    ['example.org', 421],
    ['evil.com', 421],
    ['example.com.evil.com', 421],
    ['evilexample.org', 421],
    ['127.0.0.1', 421],
    ['10.0.0.1:80', 421],
    ['[::1]', 421],
    ['[2001:db8::1]:443', 421],
  ])('Host: %s → %i', async (host, status) => {
    server = await startServer(adapter, POLICY);
    const response = await sendRaw(server.port, get('/', host));
    expect(response.status).toBe(status);
    if (status === 421) {
      expect(response.body).toBe(MISDIRECTED);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(server.events.map((e) => [e.type, e.reason, e.status, e.path])).toEqual([['host.rejected', host.startsWith('[') || /^\d/.test(host) ? 'host.ip_literal' : 'host.not_allowed', 421, '/']]);
    } else expect(JSON.parse(response.body).host).toBe(host.toLowerCase().replace(/\.?(:\d+)?$/, ''));
  });

  it.each([
    ['missing Host (HTTP/1.1)', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n', 'Bad Request: missing Host header\n', 'host.missing'],
    ['missing Host (HTTP/1.0)', 'GET / HTTP/1.0\r\n\r\n', 'Bad Request: missing Host header\n', 'host.missing'],
    ['empty Host', 'GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n', 'Bad Request: missing Host header\n', 'host.missing'],
    ['duplicate Host', 'GET / HTTP/1.1\r\nHost: example.com\r\nHost: evil.com\r\nConnection: close\r\n\r\n', 'Bad Request: duplicate Host header\n', 'host.duplicate'],
    ['Host with a path', 'GET / HTTP/1.1\r\nHost: example.com/x\r\nConnection: close\r\n\r\n', 'Bad Request: invalid Host header\n', 'host.malformed'],
    ['Host with user info', 'GET / HTTP/1.1\r\nHost: user@example.com\r\nConnection: close\r\n\r\n', 'Bad Request: invalid Host header\n', 'host.malformed'],
    ['Host with a bad port', 'GET / HTTP/1.1\r\nHost: example.com:99999\r\nConnection: close\r\n\r\n', 'Bad Request: invalid Host header\n', 'host.malformed'],
    ['Host with an underscore-only label and spaces', 'GET / HTTP/1.1\r\nHost: exa mple.com\r\nConnection: close\r\n\r\n', 'Bad Request: invalid Host header\n', 'host.malformed'],
  ])('%s → 400', async (_name, request, body, reason) => {
    server = await startServer(adapter, POLICY);
    const response = await sendRaw(server.port, request);
    expect(response.status).toBe(400);
    expect(response.body).toBe(body);
    expect(response.headers.connection).toBe('close');
    expect(server.events.map((e) => [e.type, e.reason, e.status])).toEqual([['host.rejected', reason, 400]]);
    const next = await sendRaw(server.port, get('/', 'example.com'));
    expect(next.status).toBe(200);
  });

  it('uses the authority of an absolute-form request target instead of Host', async () => {
    server = await startServer(adapter, POLICY);
    const foreign = await sendRaw(server.port, 'GET http://evil.com/x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
    expect(foreign.status).toBe(421);
    const own = await sendRaw(server.port, 'GET http://example.com/x?y=1 HTTP/1.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n');
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ host: 'example.com', path: '/x' });
  });

  it('keeps the connection open after a 421 and answers the next request on it', async () => {
    server = await startServer(adapter, POLICY);
    const both = await sendRaw(server.port, `${get('/', 'evil.com').replace('Connection: close\r\n', '')}${get('/', 'example.com')}`);
    expect(both.status).toBe(421);
    expect(both.raw).toContain('HTTP/1.1 200 OK');
  });

  it('allows localhost names and loopback literals by default outside production', async () => {
    server = await startServer(adapter, { env: 'development', quiet: true });
    for (const host of ['localhost:3000', 'app.localhost', '127.0.0.1:8080', '[::1]:8080']) {
      expect((await sendRaw(server.port, get('/', host))).status).toBe(200);
    }
    expect((await sendRaw(server.port, get('/', '192.168.1.10'))).status).toBe(421);
  });

  it('with hosts: false, checks syntax only', async () => {
    server = await startServer(adapter, { ...POLICY, hosts: false });
    expect((await sendRaw(server.port, get('/', 'anything.example'))).status).toBe(200);
    expect((await sendRaw(server.port, get('/', 'bad host'))).status).toBe(400);
  });
});
