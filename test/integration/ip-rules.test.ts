/**
 * Per-route IP allow and deny lists, through a real server: judged on the client address that
 * trusted proxies report (the peer otherwise), so a spoofed X-Forwarded-For from an untrusted peer
 * cannot get in, and a trusted proxy's can. Refusals are 403 with an `ip.rejected` event.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent, type AegisOptions } from 'aegis';
import { configProblems } from '../helpers/config-problems.js';
import { startPolicyServer, type PolicyServer } from '../helpers/policy-server.js';

let running: PolicyServer | undefined;
let events: AegisEvent[] = [];
const ROUTES: AegisOptions['routes'] = [
  { path: '/ops/*', ips: { allow: ['10.0.0.0/8', '2001:db8::/32'] } },
  { path: '/public', ips: { deny: ['198.51.100.0/24'] } },
];

async function start(options: AegisOptions): Promise<void> {
  running = await startPolicyServer({ routes: ROUTES, ...options }, 'ok');
  events = running.events;
}

async function get(path: string, forwardedFor?: string): Promise<[number, string]> {
  const response = await fetch((running as PolicyServer).base + path, { headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
  return [response.status, await response.text()];
}

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('routes[].ips', () => {
  it('without trusted proxies the peer decides: a forged X-Forwarded-For cannot reach an allowlisted route', async () => {
    await start({});
    expect(await get('/ops/queue')).toEqual([403, 'Forbidden\n']);
    expect(await get('/ops/queue', '10.1.2.3')).toEqual([403, 'Forbidden\n']);
    expect(await get('/public', '198.51.100.7')).toEqual([200, 'ok']);
    expect(await get('/elsewhere')).toEqual([200, 'ok']);
    expect(events.map((e) => [e.type, e.reason, e.status, e.ip, e.path])).toEqual([
      ['ip.rejected', 'ip.not_allowed', 403, '127.0.0.1', '/ops/queue'],
      ['ip.rejected', 'ip.not_allowed', 403, '127.0.0.1', '/ops/queue'],
    ]);
  });

  it('behind a trusted proxy its client address decides, IPv4 and IPv6; deny wins', async () => {
    await start({ proxy: { trust: ['loopback'] } });
    expect(await get('/ops/queue', '10.1.2.3')).toEqual([200, 'ok']);
    expect(await get('/ops/queue', '2001:db8:5::1')).toEqual([200, 'ok']);
    expect(await get('/ops/queue', '192.0.2.1')).toEqual([403, 'Forbidden\n']);
    expect(await get('/public', '198.51.100.7')).toEqual([403, 'Forbidden\n']);
    expect(await get('/public', '192.0.2.1')).toEqual([200, 'ok']);
    expect(events.map((e) => [e.reason, e.ip])).toEqual([
      ['ip.not_allowed', '192.0.2.1'],
      ['ip.denied', '198.51.100.7'],
    ]);
  });

  it('names configuration problems', () => {
    expect(configProblems(() => aegis({ env: 'development', quiet: true, routes: [{ path: '/a', ips: {} }, { path: '/b', ips: { allow: ['10.0.0.1/8', 'nope'], deny: [] } }] }))).toEqual([
      ['routes[0].ips', 'gives neither allow nor deny.'],
      ['routes[1].ips.allow[0]', '"10.0.0.1/8" has bits set after the /8 prefix.'],
      ['routes[1].ips.allow[1]', '"nope" is not an IPv4 or IPv6 address.'],
      ['routes[1].ips.deny', 'expected a non-empty array of addresses or CIDR blocks, got an array.'],
    ]);
  });
});
