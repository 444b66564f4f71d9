/**
 * API keys on routes (`routes[].apiKey` + `apiKeys`), through a real server: keys made by
 * createApiKey (what `aegis key create` prints), sent as `Authorization: Bearer` or `X-API-Key`.
 * Missing, malformed, unknown and wrong keys get 401 with the RFC 6750 challenge; a key without the
 * route's scope gets 403; a per-key rate limit counts each key; events carry the reason, never the key.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent } from 'aegis';
import { getAegisContext, withAegis } from 'aegis/node';
import { memoryRateLimitStore } from 'aegis/stores';
import { createApiKey } from '../../src/api-keys/index.js';
import { configProblems } from '../helpers/config-problems.js';

const sender = createApiKey({ scopes: ['sms.send'] });
const reader = createApiKey({ scopes: ['sms.read'] });
const stranger = createApiKey({ scopes: ['sms.send'] }); // never registered
let server: Server;
let base = '';
let events: AegisEvent[] = [];

beforeAll(async () => {
  const policy = aegis({
    env: 'development',
    quiet: true,
    onEvent: (e) => events.push(e),
    apiKeys: { keys: [sender.line, reader.stored] },
    routes: [
      { path: '/api/sms', method: 'POST', apiKey: { scopes: ['sms.send'] } },
      { path: '/api/*', apiKey: true },
    ],
    rateLimit: { store: memoryRateLimitStore(), routes: { 'POST /api/sms': { limit: '2/min', by: 'apiKey' } } },
  });
  server = createServer(withAegis(policy, (req, res) => res.end(`hello ${getAegisContext(req)?.apiKey?.id ?? 'nobody'}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  events = [];
});

async function call(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<[number, string, string | null]> {
  const response = await fetch(base + path, { method, headers });
  return [response.status, await response.text(), response.headers.get('www-authenticate')];
}

describe('routes[].apiKey', () => {
  it('a valid key, as Bearer or X-API-Key, reaches the route and names itself on the context', async () => {
    expect(await call('/api/messages', { authorization: `Bearer ${reader.key}` })).toEqual([200, `hello ${reader.stored.id}`, null]);
    expect(await call('/api/messages', { 'x-api-key': sender.key })).toEqual([200, `hello ${sender.stored.id}`, null]);
    expect(await call('/public')).toEqual([200, 'hello nobody', null]);
  });

  it('missing, malformed, unknown or wrong keys: 401 with the Bearer challenge; events never carry the key', async () => {
    const wrong = `${sender.key.slice(0, -2)}${sender.key.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(await call('/api/messages')).toEqual([401, 'Unauthorized\n', 'Bearer realm="api"']);
    expect(await call('/api/messages', { authorization: 'Bearer not-a-key' })).toEqual([401, 'Unauthorized\n', 'Bearer realm="api", error="invalid_token"']);
    expect(await call('/api/messages', { authorization: `Bearer ${stranger.key}` })).toEqual([401, 'Unauthorized\n', 'Bearer realm="api", error="invalid_token"']);
    expect(await call('/api/messages', { 'x-api-key': wrong })).toEqual([401, 'Unauthorized\n', 'Bearer realm="api", error="invalid_token"']);
    expect(events.map((e) => [e.type, e.reason, e.status])).toEqual([
      ['apikey.rejected', 'apikey.missing', 401],
      ['apikey.rejected', 'apikey.malformed', 401],
      ['apikey.rejected', 'apikey.unknown', 401],
      ['apikey.rejected', 'apikey.mismatch', 401],
    ]);
    expect(JSON.stringify(events)).not.toContain(sender.key.split('_')[2]);
  });

  it('a valid key without the route scope gets 403 insufficient_scope', async () => {
    expect(await call('/api/sms', { authorization: `Bearer ${reader.key}` }, 'POST')).toEqual([403, 'Forbidden\n', 'Bearer realm="api", error="insufficient_scope", scope="sms.send"']);
  });

  it('a per-key rate limit counts each key on its own', async () => {
    const send = async (key: string): Promise<number> => (await call('/api/sms', { authorization: `Bearer ${key}` }, 'POST'))[0];
    expect([await send(sender.key), await send(sender.key), await send(sender.key)]).toEqual([200, 200, 429]);
    expect(events.map((e) => [e.type, e.reason])).toEqual([['ratelimit.exceeded', 'per-key']]);
  });

  it('a route that requires a key needs apiKeys in the policy', () => {
    expect(configProblems(() => aegis({ env: 'development', quiet: true, routes: [{ path: '/api/*', apiKey: { scopes: [] } }, { path: '/x', apiKey: true }] }))).toEqual([
      ['routes[0].apiKey.scopes', 'an array is not a list of scope names.'],
      ['routes[1].apiKey', 'the route requires an API key but the policy accepts none.'],
    ]);
  });
});
