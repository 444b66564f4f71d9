import { afterEach, describe, expect, it } from 'vitest';
import type { AegisOptions } from '../../src/index.js';
import { get, sendRaw } from '../helpers/raw-http.js';
import { ADAPTERS, startServer, type TestServer } from '../helpers/servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A policy that frames in a local tool in development only (user story: the internal reporting server). */
const FRAMED_IN_DEVELOPMENT: Omit<AegisOptions, 'env'> = {
  hosts: ['localhost'],
  httpsRedirect: false,
  quiet: true,
  profiles: { development: { headers: { contentSecurityPolicy: { directives: { frameAncestors: ["'self'", 'http://localhost:3001'] } } } } },
};

describe.each(ADAPTERS)('%s adapter: more options', (adapter) => {
  it('profiles: settings for one profile only', async () => {
    server = await startServer(adapter, { ...FRAMED_IN_DEVELOPMENT, env: 'development' });
    const development = await sendRaw(server.port, get('/', 'localhost'));
    expect(development.headers['content-security-policy']).toContain("; frame-ancestors 'self' http://localhost:3001; ");
    expect(development.headers['x-frame-options']).toBeUndefined();
    await server.close();
    server = await startServer(adapter, { ...FRAMED_IN_DEVELOPMENT, env: 'production' });
    const production = await sendRaw(server.port, get('/', 'localhost'));
    expect(production.headers['content-security-policy']).toContain("; frame-ancestors 'none'; ");
    expect(production.headers['x-frame-options']).toBe('DENY');
  });

  it('routes: a :param pattern and a method filter', async () => {
    server = await startServer(adapter, {
      env: 'test',
      hosts: ['localhost'],
      routes: [{ path: '/users/:id/avatar', method: ['GET', 'HEAD'], headers: { crossOriginResourcePolicy: 'cross-origin' } }],
    });
    expect((await sendRaw(server.port, get('/users/42/avatar', 'localhost'))).headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect((await sendRaw(server.port, get('/users/42/avatar/x', 'localhost'))).headers['cross-origin-resource-policy']).toBe('same-site');
    expect((await sendRaw(server.port, get('/users/avatar', 'localhost'))).headers['cross-origin-resource-policy']).toBe('same-site');
    const post = await sendRaw(server.port, 'POST /users/42/avatar HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(post.headers['cross-origin-resource-policy']).toBe('same-site');
  });

  it('limits.headerSize: a smaller header budget answers 431 sooner', async () => {
    server = await startServer(adapter, { env: 'test', hosts: ['localhost'], limits: { headerSize: '2kb' } });
    expect((await sendRaw(server.port, get('/', 'localhost', [`X-Big: ${'a'.repeat(1500)}`]))).status).toBe(200);
    const response = await sendRaw(server.port, get('/', 'localhost', [`X-Big: ${'a'.repeat(2100)}`]));
    expect([response.status, response.body]).toEqual([431, 'Request Header Fields Too Large\n']);
  });

  it('limits.keepAliveTimeout: announced and applied by the server', async () => {
    server = await startServer(adapter, { env: 'test', hosts: ['localhost'], limits: { keepAliveTimeout: '7s' } });
    const response = await sendRaw(server.port, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(response.headers['keep-alive']).toBe('timeout=7');
  });

  it('limits.requestTimeout: a body that trickles past it gets 408', async () => {
    server = await startServer(adapter, { env: 'test', hosts: ['localhost'], limits: { headersTimeout: '500ms', requestTimeout: '1s' } });
    const pieces = ['POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n', ...Array.from({ length: 20 }, () => 'x')];
    const response = await sendRaw(server.port, '', { pieces, delay: 150, timeout: 6000 });
    expect([response.status, response.body]).toEqual([408, 'Request Timeout\n']);
  });
});

describe('headers.removed', () => {
  it.each(['express', 'express-plain'] as const)('%s: an empty list keeps X-Powered-By; a custom list removes what it names', async (adapter) => {
    server = await startServer(adapter, { env: 'test', hosts: ['localhost'], headers: { removed: [] } });
    expect((await sendRaw(server.port, get('/', 'localhost'))).headers['x-powered-by']).toBe('Express');
    await server.close();
    server = await startServer(adapter, { env: 'test', hosts: ['localhost'], headers: { removed: ['X-Powered-By'] } });
    expect((await sendRaw(server.port, get('/', 'localhost'))).headers['x-powered-by']).toBeUndefined();
  });
});
