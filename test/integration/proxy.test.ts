import { afterEach, describe, expect, it } from 'vitest';
import type { AegisOptions } from '../../src/index.js';
import { get, sendRaw } from '../helpers/raw-http.js';
import { ADAPTERS, startServer, type TestServer } from '../helpers/servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const BASE: AegisOptions = { env: 'test', hosts: ['example.com', 'internal.example.com'] };

interface Seen {
  clientIp: string;
  protocol: string;
  host: string;
}

async function seen(options: AegisOptions, headers: string[], from = '127.0.0.1', host = 'example.com'): Promise<Seen> {
  server = await startServer('node', { ...BASE, ...options });
  const response = await sendRaw(server.port, get('/', host, headers), { localAddress: from, host: from.includes(':') ? '::1' : '127.0.0.1' });
  expect(response.status).toBe(200);
  const { clientIp, protocol, host: seenHost } = JSON.parse(response.body) as Seen;
  return { clientIp, protocol, host: seenHost };
}

describe('trusted proxies', () => {
  it('without a proxy option, forwarding headers change nothing', async () => {
    expect(await seen({}, ['X-Forwarded-For: 6.6.6.6', 'X-Forwarded-Proto: https', 'X-Forwarded-Host: internal.example.com', 'Forwarded: for=7.7.7.7;proto=https'])).toEqual({
      clientIp: '127.0.0.1',
      protocol: 'http',
      host: 'example.com',
    });
  });

  it('a spoofed X-Forwarded-For from an untrusted peer never changes the client IP', async () => {
    expect(await seen({ proxy: { trust: ['127.0.0.2'] } }, ['X-Forwarded-For: 6.6.6.6', 'X-Forwarded-Proto: https'], '127.0.0.1')).toEqual({
      clientIp: '127.0.0.1',
      protocol: 'http',
      host: 'example.com',
    });
  });

  it('a trusted peer reports the client, its scheme and its host', async () => {
    expect(await seen({ proxy: { trust: ['127.0.0.2'] } }, ['X-Forwarded-For: 203.0.113.9', 'X-Forwarded-Proto: https', 'X-Forwarded-Host: internal.example.com'], '127.0.0.2')).toEqual({
      clientIp: '203.0.113.9',
      protocol: 'https',
      host: 'internal.example.com',
    });
  });

  it('a client cannot smuggle an address past a trusted proxy that appends to X-Forwarded-For', async () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw.
    expect((await seen({ proxy: { trust: ['loopback'] } }, ['X-Forwarded-For: 6.6.6.6, 203.0.113.9'])).clientIp).toBe('203.0.113.9');
  });

  it('walks through every trusted hop to the first untrusted address', async () => {
    const chain = ['X-Forwarded-For: 6.6.6.6, 198.51.100.7, 10.1.2.3, 10.0.0.9', 'X-Forwarded-Proto: https, https, http, http'];
    expect(await seen({ proxy: { trust: ['loopback', '10.0.0.0/8'] } }, chain)).toEqual({ clientIp: '198.51.100.7', protocol: 'https', host: 'example.com' });
  });

  it('with a hop count, believes exactly that many proxies', async () => {
    const chain = ['X-Forwarded-For: 6.6.6.6, 198.51.100.7, 203.0.113.9'];
    expect((await seen({ proxy: { hops: 1 } }, chain)).clientIp).toBe('203.0.113.9');
    await server?.close();
    expect((await seen({ proxy: { hops: 2 } }, chain)).clientIp).toBe('198.51.100.7');
    await server?.close();
    expect((await seen({ proxy: { hops: 5 } }, chain)).clientIp).toBe('6.6.6.6');
  });

  it('stops at an entry that is not an address', async () => {
    expect((await seen({ proxy: { trust: ['loopback'] } }, ['X-Forwarded-For: 203.0.113.9, unknown'])).clientIp).toBe('127.0.0.1');
    await server?.close();
    expect((await seen({ proxy: { trust: ['loopback'] } }, ['X-Forwarded-For: garbage, 203.0.113.9'])).clientIp).toBe('203.0.113.9');
  });

  it('normalises IPv6 and IPv4-mapped addresses, and trusts an IPv6 peer by CIDR', async () => {
    expect(await seen({ proxy: { trust: ['::1/128'] } }, ['X-Forwarded-For: 2001:DB8::0:1', 'X-Forwarded-Proto: https'], '::1')).toEqual({ clientIp: '2001:db8::1', protocol: 'https', host: 'example.com' });
    await server?.close();
    expect((await seen({ proxy: { trust: ['::1/128'] } }, ['X-Forwarded-For: ::ffff:198.51.100.7'], '::1')).clientIp).toBe('198.51.100.7');
    await server?.close();
    expect((await seen({ proxy: { trust: ['::1/128'] } }, ['X-Forwarded-For: 6.6.6.6'], '127.0.0.1')).clientIp).toBe('127.0.0.1');
  });

  it("in 'forwarded' mode reads RFC 7239 Forwarded and ignores X-Forwarded-*", async () => {
    const headers = ['Forwarded: for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https;host=internal.example.com', 'X-Forwarded-For: 9.9.9.9', 'X-Forwarded-Proto: http'];
    expect(await seen({ proxy: { trust: ['loopback'], header: 'forwarded' } }, headers)).toEqual({ clientIp: '2001:db8:cafe::17', protocol: 'https', host: 'internal.example.com' });
  });

  it("in 'x-forwarded' mode ignores a Forwarded header a client slipped in", async () => {
    expect(await seen({ proxy: { trust: ['loopback'] } }, ['Forwarded: for=6.6.6.6;proto=https', 'X-Forwarded-For: 203.0.113.9'])).toEqual({ clientIp: '203.0.113.9', protocol: 'http', host: 'example.com' });
  });

  it('ignores a malformed Forwarded header', async () => {
    expect((await seen({ proxy: { trust: ['loopback'], header: 'forwarded' } }, ['Forwarded: for=6.6.6.6;for=7.7.7.7'])).clientIp).toBe('127.0.0.1');
  });

  it.each(ADAPTERS)('%s: a forwarded host from a trusted proxy must be on the allowlist', async (adapter) => {
    server = await startServer(adapter, { ...BASE, proxy: { trust: ['loopback'] } });
    const foreign = await sendRaw(server.port, get('/', 'example.com', ['X-Forwarded-Host: evil.com']));
    expect(foreign.status).toBe(421);
    expect(server.events.map((e) => [e.type, e.reason, e.detail])).toEqual([['host.rejected', 'host.not_allowed', { host: 'evil.com' }]]);
    const malformed = await sendRaw(server.port, get('/', 'example.com', ['X-Forwarded-Host: evil.com/x']));
    expect(malformed.status).toBe(400);
  });

  it('events carry the resolved client IP', async () => {
    server = await startServer('express', { ...BASE, proxy: { trust: ['loopback'] } });
    await sendRaw(server.port, get('/secret?token=abc', 'evil.com', ['X-Forwarded-For: 203.0.113.9']));
    expect(server.events).toHaveLength(1);
    const [event] = server.events;
    expect(event).toMatchObject({ type: 'host.rejected', level: 'warn', ip: '203.0.113.9', method: 'GET', path: '/secret', status: 421, reason: 'host.not_allowed', detail: { host: 'evil.com' } });
    expect(JSON.stringify(event)).not.toContain('token');
  });
});
