import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOnce, followRedirects, type FetchOutcome } from '../../src/scan/fetch/index.js';
import { certificateFiles } from '../helpers/certificates.js';
import { HOST, TestServers } from '../helpers/test-servers.js';

const servers = new TestServers();
const pem = certificateFiles().pem;
let http = '';
let https = '';

const routes: Record<string, RequestListener> = {
  '/cookies': (_req, res) => {
    res.writeHead(200, [['Content-Type', 'text/plain'], ['Set-Cookie', 'a=1; Secure'], ['X-Test', 'one'], ['Set-Cookie', 'b=2; HttpOnly'], ['Content-Length', '5']]);
    res.end('hello');
  },
  '/big': (_req, res) => res.end(Buffer.alloc(5000, 0x61)),
  '/endless': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    const chunk = Buffer.alloc(16_384, 0x62);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('error', () => undefined);
    pump();
  },
  '/to-https': (_req, res) => res.writeHead(301, { Location: `${https}/start` }).end(),
  '/start': (_req, res) => res.writeHead(302, { Location: '/final' }).end(),
  '/final': (_req, res) => {
    res.writeHead(200, [['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'], ['Strict-Transport-Security', 'max-age=0']]);
    res.end('done');
  },
  '/loop-a': (_req, res) => res.writeHead(302, { Location: '/loop-b' }).end(),
  '/loop-b': (_req, res) => res.writeHead(302, { Location: '/loop-a' }).end(),
};
const handler: RequestListener = (req, res) => {
  const route = routes[req.url ?? ''];
  if (route) route(req, res);
  else res.writeHead(404).end();
};

beforeAll(async () => {
  http = `http://${HOST}:${await servers.listen(createHttpServer(handler))}`;
  https = `https://${HOST}:${await servers.listen(createHttpsServer({ cert: pem.cert, key: pem.key }, handler))}`;
});
afterAll(() => servers.closeAll());

function answered(outcome: FetchOutcome): Exclude<FetchOutcome, { error: string }> {
  if ('error' in outcome) throw new Error(`unexpected error: ${outcome.error}`);
  return outcome;
}

describe('fetchOnce', () => {
  it('returns the status, every header pair in received order (both Set-Cookie) and the body', async () => {
    const res = answered(await fetchOnce(`${http}/cookies`, { timeoutMs: 2000 }));
    expect(res.status).toBe(200);
    expect(res.headers.filter(([name]) => !['Date', 'Connection', 'Keep-Alive'].includes(name))).toEqual([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1; Secure'],
      ['X-Test', 'one'],
      ['Set-Cookie', 'b=2; HttpOnly'],
      ['Content-Length', '5'],
    ]);
    expect(Buffer.from(res.body).toString()).toBe('hello');
    expect(res.truncated).toBe(false);
  });

  it('fetches over https from a self-signed certificate (certificates are not verified)', async () => {
    const res = answered(await fetchOnce(`${https}/cookies`, { timeoutMs: 2000, servername: 'localhost' }));
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body).toString()).toBe('hello');
  });

  it('truncates a body over maxBodyBytes to exactly that length, with the flag', async () => {
    const res = answered(await fetchOnce(`${http}/big`, { timeoutMs: 2000, maxBodyBytes: 1234 }));
    expect(res.body.length).toBe(1234);
    expect(res.truncated).toBe(true);
    const whole = answered(await fetchOnce(`${http}/big`, { timeoutMs: 2000, maxBodyBytes: 5000 }));
    expect([whole.body.length, whole.truncated]).toEqual([5000, false]);
  });

  it('ends an endless body at the byte bound', async () => {
    const started = Date.now();
    const res = answered(await fetchOnce(`${https}/endless`, { timeoutMs: 3000, maxBodyBytes: 100_000 }));
    expect([res.status, res.body.length, res.truncated]).toEqual([200, 100_000, true]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives an error within the timeout when the server never answers', async () => {
    const port = await servers.raw(() => undefined);
    const started = Date.now();
    const res = await fetchOnce(`http://${HOST}:${port}/`, { timeoutMs: 300 });
    expect(res).toEqual({ error: 'timed out after 300 ms' });
    expect(Date.now() - started).toBeLessThan(300 + 200);
  });

  it('gives an error, not a throw, for a server answering garbage', async () => {
    const port = await servers.raw((socket) => socket.end('garbage\x00\r\n\r\n'));
    const res = await fetchOnce(`http://${HOST}:${port}/`, { timeoutMs: 1000 });
    expect(res).toMatchObject({ error: expect.stringMatching(/HPE_|Parse Error/) });
  });

  it('gives an error for a refused connection, a TLS failure and a bad URL', async () => {
    const port = await servers.listen(createHttpServer());
    await servers.close(port);
    expect(await fetchOnce(`http://${HOST}:${port}/`, { timeoutMs: 1000 })).toMatchObject({ error: expect.stringContaining('ECONNREFUSED') });
    expect(await fetchOnce(`${http.replace('http:', 'https:')}/`, { timeoutMs: 1000 })).toHaveProperty('error');
    expect(await fetchOnce('not a url', { timeoutMs: 1000 })).toEqual({ error: 'invalid URL: not a url' });
  });
});

describe('followRedirects', () => {
  it('records an http → https → final chain with every HSTS value', async () => {
    expect(await followRedirects(`${http}/to-https`, { timeoutMs: 2000 })).toEqual([
      { url: `${http}/to-https`, status: 301, location: `${https}/start` },
      { url: `${https}/start`, status: 302, location: '/final' },
      { url: `${https}/final`, status: 200, hsts: ['max-age=63072000; includeSubDomains', 'max-age=0'] },
    ]);
  });

  it('stops at a loop with the repeated URL as the last hop', async () => {
    expect(await followRedirects(`${http}/loop-a`, { timeoutMs: 2000 })).toEqual([
      { url: `${http}/loop-a`, status: 302, location: '/loop-b' },
      { url: `${http}/loop-b`, status: 302, location: '/loop-a' },
      { url: `${http}/loop-a`, status: 302, location: '/loop-b' },
    ]);
  });

  it('stops after maxHops and at an error', async () => {
    expect(await followRedirects(`${http}/loop-a`, { timeoutMs: 2000, maxHops: 2 })).toHaveLength(2);
    const port = await servers.listen(createHttpServer());
    await servers.close(port);
    const hops = await followRedirects(`http://${HOST}:${port}/`, { timeoutMs: 1000 });
    expect(hops).toEqual([{ url: `http://${HOST}:${port}/`, error: expect.stringContaining('ECONNREFUSED') }]);
  });
});
