import { describe, expect, it } from 'vitest';
import { SecretRing } from '../../src/config/index.js';
import { checkCsrf, createCsrfToken, csrfRejection, resolveCsrfOptions, signDoubleSubmit } from '../../src/csrf/index.js';
import type { CsrfRequest } from '../../src/csrf/index.js';

const resolved = resolveCsrfOptions({
  exemptions: [{ path: '/hooks/stripe', methods: ['POST'], reason: 'Stripe webhook', protectedBy: 'Stripe-Signature HMAC' }],
});
const TOKEN = createCsrfToken();
const FORM = 'application/x-www-form-urlencoded';

function request(method: string, headers: Record<string, string>, body?: unknown, path = '/account/email'): CsrfRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, path, host: 'shop.example.com', https: true, header: (name) => lower[name], body };
}

const rejected = (reason: string) => ({
  ok: false,
  status: 403,
  reason,
  body: `Forbidden: CSRF check failed (${reason})\n`,
  event: { type: 'csrf.rejected', level: 'warn', reason, status: 403 },
});

describe('checkCsrf', () => {
  it('a same-origin form post with the session token passes', () => {
    const r = request('POST', { 'sec-fetch-site': 'same-origin', 'content-type': FORM }, { _csrf: TOKEN });
    expect(checkCsrf(r, { sessionToken: TOKEN }, resolved)).toEqual({ ok: true });
  });

  it('a header token passes; without any origin information the result is weak', () => {
    expect(checkCsrf(request('PUT', { 'x-csrf-token': TOKEN }), { sessionToken: TOKEN }, resolved)).toEqual({ ok: true, weak: true });
  });

  it('a cross-site post is rejected before the token is looked at', () => {
    const r = request('POST', { 'sec-fetch-site': 'cross-site', 'x-csrf-token': TOKEN });
    expect(checkCsrf(r, { sessionToken: TOKEN }, resolved)).toEqual(rejected('cross-site'));
  });

  it('Origin: null is rejected as bad-origin', () => {
    expect(checkCsrf(request('POST', { origin: 'null', 'x-csrf-token': TOKEN }), { sessionToken: TOKEN }, resolved)).toEqual(rejected('bad-origin'));
  });

  it('a method-override header does not make a POST safe', () => {
    const r = request('POST', { 'x-http-method-override': 'GET', 'sec-fetch-site': 'cross-site' });
    expect(checkCsrf(r, { sessionToken: TOKEN }, resolved)).toEqual(rejected('cross-site'));
    const sameOrigin = request('POST', { 'x-http-method-override': 'GET', origin: 'https://shop.example.com' }, { _method: 'GET' });
    expect(checkCsrf(sameOrigin, { sessionToken: TOKEN }, resolved)).toEqual(rejected('missing-token'));
  });

  it('a text/plain form post carrying _csrf=… is rejected as missing-token', () => {
    const r = request('POST', { 'content-type': 'text/plain', origin: 'https://shop.example.com' }, { _csrf: TOKEN });
    expect(checkCsrf(r, { sessionToken: TOKEN }, resolved)).toEqual(rejected('missing-token'));
  });

  it('a wrong token is bad-token; no token at all is missing-token', () => {
    expect(checkCsrf(request('POST', { 'x-csrf-token': createCsrfToken() }), { sessionToken: TOKEN }, resolved)).toEqual(rejected('bad-token'));
    expect(checkCsrf(request('DELETE', {}), { sessionToken: TOKEN }, resolved)).toEqual(rejected('missing-token'));
  });

  it('a submitted token with no expected token is bad-token', () => {
    expect(checkCsrf(request('POST', { 'x-csrf-token': TOKEN }), {}, resolved)).toEqual(rejected('bad-token'));
  });

  it('safe methods pass without a token', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(checkCsrf(request(method, { 'sec-fetch-site': 'cross-site' }), {}, resolved)).toEqual({ ok: true });
  });

  it('an exempted route passes and names the exemption; other methods on it do not', () => {
    const decision = checkCsrf(request('POST', { 'sec-fetch-site': 'cross-site' }, undefined, '/Hooks/Stripe/'), {}, resolved);
    expect(decision.ok).toBe(true);
    expect(decision.ok && decision.exemption?.reason).toBe('Stripe webhook');
    expect(checkCsrf(request('PUT', { 'sec-fetch-site': 'cross-site' }, undefined, '/hooks/stripe'), {}, resolved)).toEqual(rejected('cross-site'));
  });

  it('the event and body never carry the token', () => {
    const wrong = createCsrfToken();
    const decision = checkCsrf(request('POST', { 'x-csrf-token': wrong }), { sessionToken: TOKEN }, resolved);
    expect(JSON.stringify(decision)).not.toContain(wrong);
    expect(JSON.stringify(decision)).not.toContain(TOKEN);
  });

  describe('signed double-submit', () => {
    const ring = new SecretRing(['k1-0123456789abcdef0123456789abcdef']);
    const victim = signDoubleSubmit('victim-id', ring);

    it('passes when header equals cookie and the signature is bound to the identifier', () => {
      const r = request('POST', { 'x-csrf-token': victim, 'sec-fetch-site': 'same-origin' });
      expect(checkCsrf(r, { doubleSubmit: { cookieToken: victim, sessionIdentifier: 'victim-id', ring } }, resolved)).toEqual({ ok: true });
    });

    it("rejects the attacker's own valid pair replayed against the victim's identifier", () => {
      const attacker = signDoubleSubmit('attacker-id', ring);
      const r = request('POST', { 'x-csrf-token': attacker, 'sec-fetch-site': 'same-origin' });
      expect(checkCsrf(r, { doubleSubmit: { cookieToken: attacker, sessionIdentifier: 'victim-id', ring } }, resolved)).toEqual(rejected('bad-token'));
    });

    it('rejects a header that differs from the cookie, and a missing cookie', () => {
      const other = signDoubleSubmit('victim-id', ring);
      const r = request('POST', { 'x-csrf-token': other });
      expect(checkCsrf(r, { doubleSubmit: { cookieToken: victim, sessionIdentifier: 'victim-id', ring } }, resolved)).toEqual(rejected('bad-token'));
      expect(checkCsrf(r, { doubleSubmit: { cookieToken: undefined, sessionIdentifier: 'victim-id', ring } }, resolved)).toEqual(rejected('bad-token'));
    });
  });

  it('csrfRejection renders the same status and body', () => {
    const reply = csrfRejection('bad-origin').toReply();
    expect(reply.status).toBe(403);
    expect(reply.body).toBe('Forbidden: CSRF check failed (bad-origin)\n');
    expect(csrfRejection('bad-origin').reason).toBe('csrf.bad-origin');
  });
});
