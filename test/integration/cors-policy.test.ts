/**
 * Strict CORS through the policy and a real server: preflights are answered by Aegis (204 with the
 * configured lists, or 403 with an event), other responses get their headers with `Vary` merged,
 * a foreign origin is never reflected, and the origins CORS lists are trusted by the CSRF check
 * (`'*'` is not). Configuration mistakes are refused when the policy is built.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aegis, AegisConfigError, type AegisEvent, type AegisOptions } from 'aegis';
import { withAegis } from 'aegis/node';

const APP = 'https://app.example.test';
const VARY_PREFLIGHT = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
let events: AegisEvent[] = [];
const servers: Server[] = [];

async function serverFor(options: AegisOptions): Promise<string> {
  const policy = aegis({ env: 'development', quiet: true, onEvent: (e) => events.push(e), ...options });
  const server = createServer(
    withAegis(policy, (_req, res) => {
      res.setHeader('Vary', 'Accept-Encoding');
      res.end('app');
    }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

/** The response headers Aegis decides on (security headers left out). */
function corsView(response: Response): Record<string, string> {
  const view: Record<string, string> = {};
  for (const [name, value] of response.headers) if (name.startsWith('access-control-') || name === 'vary') view[name] = value;
  return view;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});
beforeEach(() => {
  events = [];
});

describe('cors with credentials for listed origins', () => {
  let base = '';
  beforeAll(async () => {
    base = await serverFor({ cors: { origins: [APP, 'https://*.partner.test'], credentials: true, methods: ['GET', 'POST', 'DELETE'], maxAge: '10m' } });
  });

  it('answers an allowed preflight itself: 204, the configured lists, no application call', async () => {
    const response = await fetch(`${base}/api/items`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'Content-Type, X-CSRF-Token' } });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(corsView(response)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': 'content-type, x-csrf-token, accept, accept-language, content-language',
      'access-control-max-age': '600',
      vary: VARY_PREFLIGHT,
    });
  });

  it('refuses a preflight from a foreign origin, null, or for an unlisted method or header: 403, never an allow header', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ origin: 'https://evil.test', 'access-control-request-method': 'POST' }, 'origin-not-allowed'],
      [{ origin: 'https://app.example.test.evil.test', 'access-control-request-method': 'POST' }, 'origin-not-allowed'],
      [{ origin: 'null', 'access-control-request-method': 'POST' }, 'null-origin'],
      [{ origin: APP, 'access-control-request-method': 'PUT' }, 'method-not-allowed'],
      [{ origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' }, 'header-not-allowed'],
    ];
    for (const [headers, reason] of cases) {
      const response = await fetch(`${base}/api/items`, { method: 'OPTIONS', headers });
      expect([response.status, await response.text(), corsView(response)], reason).toEqual([403, 'Forbidden: CORS preflight refused\n', { vary: VARY_PREFLIGHT }]);
    }
    expect(events.map((e) => [e.type, e.reason, e.status])).toEqual(cases.map(([, reason]) => ['cors.rejected', reason, 403]));
  });

  it('adds the headers to the application response for an allowed origin (patterns too), and merges Vary', async () => {
    for (const origin of [APP, 'https://eu.partner.test']) {
      const response = await fetch(`${base}/api/items`, { headers: { origin } });
      expect([await response.text(), corsView(response)]).toEqual(['app', { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin, Accept-Encoding' }]);
    }
  });

  it('never reflects a foreign origin: only Vary', async () => {
    for (const origin of ['https://evil.test', 'null', 'https://partner.test', 'http://eu.partner.test']) {
      const response = await fetch(`${base}/api/items`, { headers: { origin } });
      expect(corsView(response), origin).toEqual({ vary: 'Origin, Accept-Encoding' });
    }
  });

  it('the CSRF check trusts the listed origins for cross-site requests, and only them', async () => {
    const trusted = await fetch(`${base}/api/items`, { method: 'POST', headers: { origin: APP, 'sec-fetch-site': 'cross-site' } });
    const foreign = await fetch(`${base}/api/items`, { method: 'POST', headers: { origin: 'https://evil.test', 'sec-fetch-site': 'cross-site' } });
    expect([trusted.status, foreign.status, await foreign.text()]).toEqual([200, 403, 'Forbidden: CSRF check failed (cross-site)\n']);
  });
});

describe("cors: { origins: ['*'] } (public, no credentials)", () => {
  it('sends * without Vary: Origin, and is not a CSRF trust: a cross-site POST is still refused', async () => {
    const base = await serverFor({ cors: { origins: ['*'] } });
    const get = await fetch(`${base}/data`, { headers: { origin: 'https://any.test' } });
    expect(corsView(get)).toEqual({ 'access-control-allow-origin': '*', vary: 'Accept-Encoding' });
    const post = await fetch(`${base}/data`, { method: 'POST', headers: { origin: 'https://any.test', 'sec-fetch-site': 'cross-site' } });
    expect(post.status).toBe(403);
  });
});

describe('no cors option', () => {
  it('sends no CORS header at all, and answers OPTIONS through the application', async () => {
    const base = await serverFor({});
    const response = await fetch(`${base}/x`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST' } });
    expect([response.status, await response.text(), corsView(response)]).toEqual([200, 'app', { vary: 'Accept-Encoding' }]);
  });
});

describe('configuration errors name the option and the fix', () => {
  it("'*' with credentials, a path in an origin and null with credentials are refused when the policy is built", () => {
    let error: unknown;
    try {
      aegis({ env: 'development', quiet: true, cors: { origins: ['*'], credentials: true } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AegisConfigError);
    expect((error as AegisConfigError).problems.map((p) => p.path)).toEqual(['cors.credentials']);
    expect(() => aegis({ env: 'development', quiet: true, cors: { origins: ['https://a.test/'] } })).toThrow(/cors\.origins\[0\]/);
    expect(() => aegis({ env: 'development', quiet: true, cors: { origins: ['null'], credentials: true } })).toThrow(/cors\.origins\[0\]|cors\.credentials/);
  });
});
