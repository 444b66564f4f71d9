import { afterEach, describe, expect, it } from 'vitest';
import type { AegisOptions } from '../../src/index.js';
import { get, sendRaw } from '../helpers/raw-http.js';
import { ADAPTERS, startServer, type TestServer } from '../helpers/servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PRODUCTION: AegisOptions = { env: 'production', hosts: ['example.com', '*.example.com', '[2001:db8::1]'], proxy: { trust: ['loopback'] } };
const request = (method: string, target: string, host: string, extra = '') => `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;

describe.each(ADAPTERS)('%s adapter: HTTPS redirect', (adapter) => {
  it.each([
    ['GET', '/path?q=1&r=%2F', 'example.com', 308, 'https://example.com/path?q=1&r=%2F'],
    ['HEAD', '/', 'www.example.com:8080', 308, 'https://www.example.com/'],
    ['POST', '/form', 'example.com', 308, 'https://example.com/form'],
    ['GET', '//evil.com/x', 'example.com', 308, 'https://example.com//evil.com/x'],
    ['GET', 'http://example.com/abs?x=1', 'example.com', 308, 'https://example.com/abs?x=1'],
    ['GET', '/', '[2001:db8::1]:80', 308, 'https://[2001:db8::1]/'],
  ])('%s %s (Host %s) → %i %s', async (method, target, host, status, location) => {
    server = await startServer(adapter, PRODUCTION);
    const response = await sendRaw(server.port, request(method, target, host));
    expect(response.status).toBe(status);
    expect(response.headers.location).toBe(location);
    expect(response.body).toBe('');
    expect(server.events.map((e) => [e.type, e.status, e.reason])).toEqual([['https.redirected', status, 'https.required']]);
  });

  it('never redirects to a host that is not allowed', async () => {
    server = await startServer(adapter, PRODUCTION);
    const response = await sendRaw(server.port, request('GET', '/', 'evil.com'));
    expect(response.status).toBe(421);
    expect(response.headers.location).toBeUndefined();
  });

  it('uses 301 for GET and HEAD when asked, and keeps 308 for other methods', async () => {
    server = await startServer(adapter, { ...PRODUCTION, httpsRedirect: { status: 301, port: 8443 } });
    const getResponse = await sendRaw(server.port, request('GET', '/a', 'example.com'));
    expect([getResponse.status, getResponse.headers.location]).toEqual([301, 'https://example.com:8443/a']);
    const putResponse = await sendRaw(server.port, request('PUT', '/a', 'example.com', 'Content-Length: 0\r\n'));
    expect([putResponse.status, putResponse.headers.location]).toEqual([308, 'https://example.com:8443/a']);
  });

  it('redirects to the configured host, whatever the Host header says', async () => {
    server = await startServer(adapter, { ...PRODUCTION, httpsRedirect: { host: 'www.example.com' } });
    const response = await sendRaw(server.port, request('GET', '/x', 'api.example.com'));
    expect(response.headers.location).toBe('https://www.example.com/x');
  });

  it('serves ACME HTTP-01 challenges and other excluded paths over plain HTTP', async () => {
    server = await startServer(adapter, PRODUCTION);
    expect((await sendRaw(server.port, get('/.well-known/acme-challenge/token123', 'example.com'))).status).toBe(200);
    await server.close();
    server = await startServer(adapter, { ...PRODUCTION, httpsRedirect: { exclude: ['/health'] } });
    expect((await sendRaw(server.port, get('/health', 'example.com'))).status).toBe(200);
    expect((await sendRaw(server.port, get('/.well-known/acme-challenge/x', 'example.com'))).status).toBe(308);
  });

  it('does not redirect secure requests, nor plain ones outside production', async () => {
    server = await startServer(adapter, PRODUCTION);
    expect((await sendRaw(server.port, request('GET', '/', 'example.com', 'X-Forwarded-Proto: https\r\n'))).status).toBe(200);
    await server.close();
    server = await startServer(adapter, { ...PRODUCTION, env: 'development', quiet: true });
    expect((await sendRaw(server.port, request('GET', '/', 'example.com'))).status).toBe(200);
  });
});
