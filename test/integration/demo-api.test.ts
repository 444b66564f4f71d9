/**
 * The demo's SMS gateway API (examples/demo/api.js) over real HTTP: `createDemo()` with memory
 * stores, served by node:http (development profile). Each control the issue lists is exercised
 * end to end: per-key and per-IP limits, the bulk limit, API-key scopes, the ops endpoint behind
 * the internal secret, the admin page behind a role, the signed webhook (CSRF-exempt, with its
 * reason in `aegis audit csrf`'s terms), the idempotent payment POST.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, type AegisEvent } from 'aegis';
import { signRequest } from 'aegis/signing';
import { createDemo } from '../../examples/demo/app.js';
import { API_SCOPES, WEBHOOK_KEY_ID } from '../../examples/demo/api.js';

const full = createApiKey({ prefix: 'demo', scopes: [...API_SCOPES] });
const sendOnly = createApiKey({ prefix: 'demo', scopes: ['sms.send'] });
const INTERNAL = randomBytes(32).toString('base64url');
const WEBHOOK = randomBytes(32).toString('base64url');
const events: AegisEvent[] = [];
let server: Server;
let base = '';
let exemptions: ReadonlyArray<{ path?: string; route?: string; reason: string; protectedBy: string | null }> = [];

beforeAll(async () => {
  const demo = createDemo({
    env: 'development',
    quiet: true,
    sessionKey: randomBytes(32).toString('base64url'),
    onEvent: (event) => events.push(event),
    api: { apiKeys: [full.line, sendOnly.line], internalSecret: INTERNAL, webhookKey: WEBHOOK },
  });
  const csrf = demo.policy.describe().csrf;
  exemptions = csrf ? csrf.exemptions : [];
  server = createServer(demo.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  events.length = 0;
});

async function call(method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
  const response = await fetch(base + path, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Signs in through the demo's form as a browser on the site would; resolves the session cookie. */
async function signIn(username: string, password: string): Promise<string> {
  const form = await fetch(`${base}/login`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const headers = { cookie, origin: base, 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };
  const response = await fetch(`${base}/login`, { method: 'POST', headers, body: new URLSearchParams({ _csrf: token, username, password }).toString(), redirect: 'manual' });
  expect(response.status).toBe(303);
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('the demo API', () => {
  it('POST /api/sms: a key with sms.send sends; the answer masks the number; both limits are advertised', async () => {
    const sent = await call('POST', '/api/sms', { key: sendOnly.key, body: { to: '+441632960961', text: 'Your code is 123456' } });
    expect([sent.status, sent.body]).toEqual([202, '{"id":"m-1","status":"queued","to":"+44••••••••61"}']);
    expect(sent.headers.get('ratelimit-policy')).toBe('"per-key";q=200;w=60, "per-ip";q=300;w=60');
    expect(sent.headers.get('ratelimit')).toBe('"per-key";r=199;t=1, "per-ip";r=299;t=1');
  });

  it('rejects bad input with a short 400, missing keys with 401, missing scopes with 403', async () => {
    expect((await call('POST', '/api/sms', { key: full.key, body: { to: '12345', text: 'x' } })).body).toBe('Bad Request: to must be a phone number in E.164 form (+ and 7 to 15 digits)\n');
    expect((await call('POST', '/api/sms', { key: full.key, body: { to: '+441632960961', text: 'x'.repeat(501) } })).body).toBe('Bad Request: text must be 1 to 500 characters\n');
    expect((await call('POST', '/api/sms', { body: { to: '+441632960961', text: 'x' } })).status).toBe(401);
    expect((await call('POST', '/api/sms/bulk', { key: sendOnly.key, body: { messages: [] } })).status).toBe(403);
    expect((await call('POST', '/api/payments', { key: sendOnly.key, body: {} })).status).toBe(403);
  });

  it('POST /api/sms/bulk: at most 200 messages, and 10 calls a minute per key (the 11th gets 429)', async () => {
    const tooMany = Array.from({ length: 201 }, () => ({ to: '+441632960961', text: 'hi' }));
    expect((await call('POST', '/api/sms/bulk', { key: full.key, body: { messages: tooMany } })).body).toBe('Bad Request: messages must be a list of 1 to 200 messages\n');
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await call('POST', '/api/sms/bulk', { key: full.key, body: { messages: [{ to: '+441632960961', text: `n${i}` }] } })).status);
    expect(statuses).toEqual([...Array(9).fill(202)]); // the 201-message call above counted too
    const limited = await call('POST', '/api/sms/bulk', { key: full.key, body: { messages: [{ to: '+441632960961', text: 'late' }] } });
    expect([limited.status, limited.body, limited.headers.get('retry-after')]).toEqual([429, 'Too Many Requests\n', '6']);
    expect(events.at(-1)).toMatchObject({ type: 'ratelimit.exceeded', reason: 'per-key', status: 429 });
  });

  it('POST /api/payments: an Idempotency-Key is required; a retry gets the same payment, never a second one', async () => {
    expect((await call('POST', '/api/payments', { key: full.key, body: { amount: 1999, currency: 'EUR' } })).status).toBe(400);
    const headers = { 'idempotency-key': '"order-4711"' };
    const first = await call('POST', '/api/payments', { key: full.key, body: { amount: 1999, currency: 'EUR' }, headers });
    const retry = await call('POST', '/api/payments', { key: full.key, body: { amount: 1999, currency: 'EUR' }, headers });
    expect([first.status, first.body, first.headers.get('location')]).toEqual([201, '{"id":"pay-1","amount":1999,"currency":"EUR","status":"captured"}', '/api/payments/pay-1']);
    expect([retry.status, retry.body, retry.headers.get('location'), retry.headers.get('idempotent-replayed')]).toEqual([201, first.body, '/api/payments/pay-1', 'true']);
    expect((await call('POST', '/api/payments', { key: full.key, body: { amount: 2999, currency: 'EUR' }, headers })).status).toBe(422);
  });

  it('GET /ops/queue: 403 without the internal secret or with a wrong one; the statistics with it', async () => {
    expect((await call('GET', '/ops/queue')).status).toBe(403);
    expect((await call('GET', '/ops/queue', { headers: { 'x-internal-secret': randomBytes(32).toString('base64url') } })).status).toBe(403);
    const ok = await call('GET', '/ops/queue', { headers: { 'x-internal-secret': INTERNAL } });
    expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { queued: 10, delivered: 0, failed: 0, payments: 1, workers: 1 }]);
  });

  it('POST /webhooks/delivery: a signed receipt updates the message; replayed or unsigned: 401', async () => {
    const body = JSON.stringify({ id: 'm-1', status: 'delivered' });
    const headers = { 'content-type': 'application/json', ...signRequest({ method: 'POST', url: `${base}/webhooks/delivery`, body, key: { id: WEBHOOK_KEY_ID, secret: WEBHOOK } }) };
    const first = await fetch(`${base}/webhooks/delivery`, { method: 'POST', headers, body });
    expect(first.status).toBe(204);
    const again = await fetch(`${base}/webhooks/delivery`, { method: 'POST', headers, body });
    expect([again.status, await again.text()]).toEqual([401, 'Unauthorized: replayed request (nonce already used)\n']);
    const unsigned = await fetch(`${base}/webhooks/delivery`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const ops = await call('GET', '/ops/queue', { headers: { 'x-internal-secret': INTERNAL } });
    expect(JSON.parse(ops.body)).toMatchObject({ delivered: 1 });
    // Its CSRF exemption is written down with what protects it instead.
    expect(exemptions.find((entry) => entry.path === '/webhooks/delivery')).toMatchObject({ reason: expect.stringContaining('SMS provider'), protectedBy: 'an HMAC request signature with a nonce (routes[].signature)' });
  });

  it('GET /admin: 401 when nobody is signed in, 403 for a user without the role, the page for an admin', async () => {
    const page = await call('GET', '/admin');
    expect([page.status, page.body]).toEqual([401, 'Unauthorized\n']);
    const reader = await signIn('reader', 'reader-horse-battery');
    const refused = await call('GET', '/admin', { headers: { cookie: reader } });
    expect([refused.status, refused.body]).toEqual([403, 'Forbidden\n']);
    const admin = await signIn('demo', 'correct-horse-battery');
    const allowed = await call('GET', '/admin', { headers: { cookie: admin } });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('<p id="payments">Payments captured: 1.</p>');
    expect(allowed.body).toContain('<td>+44••••••••61</td>');
    expect(allowed.body).not.toContain('+441632960961');
    expect(events.filter((e) => e.type === 'rbac.denied').map((e) => e.status)).toEqual([401, 403]);
  });
});
