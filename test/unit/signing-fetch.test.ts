import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSigningKeys, createSignedFetch, verifyRequestSignature, type SignatureCheck } from '../../src/signing/index.js';

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
const RING = compileSigningKeys({ 'svc-2025': SECRET });

/** What the test server answers. */
interface Answer {
  check: SignatureCheck & { nonce?: string };
  replayed: boolean;
  body: string;
  contentType: string | null;
}

/** A service that verifies each request with verifyRequestSignature and a nonce set, and answers with the result. */
let server: Server;
let origin: string;
const seenNonces = new Set<string>();

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const target = req.url ?? '/';
      const q = target.indexOf('?');
      const check: SignatureCheck = verifyRequestSignature(
        {
          method: req.method ?? '',
          path: q === -1 ? target : target.slice(0, q),
          query: q === -1 ? '' : target.slice(q + 1),
          header: (name) => {
            const value = req.headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          },
          body,
        },
        RING,
        { now: Date.now() },
      );
      let replayed = false;
      if (check.ok) {
        replayed = seenNonces.has(check.nonce);
        seenNonces.add(check.nonce);
      }
      res.writeHead(check.ok && !replayed ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ check, replayed, body: body.toString('utf8'), contentType: req.headers['content-type'] ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createSignedFetch against a node:http server that verifies', () => {
  const signedFetch = createSignedFetch({ key: { id: 'svc-2025', secret: SECRET } });

  it('signs a POST with a JSON body, keeping the caller headers', async () => {
    const res = await signedFetch(`${origin}/v1/charges?currency=eur&x=%2F`, { method: 'POST', body: '{"amount":1000}', headers: { 'content-type': 'application/json' } });
    const answer = (await res.json()) as Answer;
    expect(res.status).toBe(200);
    expect(answer).toMatchObject({ check: { ok: true, keyId: 'svc-2025' }, body: '{"amount":1000}', contentType: 'application/json' });
    expect(answer.check.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('signs a GET without a body, a lower-case method, a Uint8Array body and a URL object', async () => {
    expect((await signedFetch(`${origin}/health`)).status).toBe(200);
    expect((await signedFetch(new URL(`${origin}/items/7?`), { method: 'patch', body: new Uint8Array([0, 1, 2, 255]) })).status).toBe(200);
    expect((await signedFetch(`${origin}/`, { method: 'DELETE', headers: [['x-trace', '1']] })).status).toBe(200);
  });

  it('replaces signature headers the caller set, and each request has a fresh nonce (the server sees no replay)', async () => {
    const res = await signedFetch(`${origin}/v1/x`, { method: 'PUT', body: 'a', headers: { signature: 'aegis=:YWJj:', 'content-digest': 'sha-256=:YWJj:' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer).replayed).toBe(false);
  });

  it('the server refuses what a clock 6 minutes slow signed, and a request signed with another key', async () => {
    const slow = createSignedFetch({ key: { id: 'svc-2025', secret: SECRET }, now: () => Date.now() - 360_000 });
    expect(await (await slow(`${origin}/v1/x`)).json()).toMatchObject({ check: { ok: false, reason: 'stale' } });
    const other = createSignedFetch({ key: { id: 'svc-2025', secret: Uint8Array.from({ length: 32 }, (_, i) => i) } });
    expect(await (await other(`${origin}/v1/x`)).json()).toMatchObject({ check: { ok: false, reason: 'bad-signature' } });
  });

  it('calls options.fetch with the signed headers, and refuses a body it cannot digest', async () => {
    const calls: Array<[string | URL | Request, RequestInit | undefined]> = [];
    const fake = createSignedFetch({ key: { id: 'svc-2025', secret: SECRET }, now: () => 1_700_000_000_000, fetch: async (url, init) => { calls.push([url, init]); return new Response('ok'); } });
    await fake('https://api.example/a?b=1', { method: 'POST', body: '' });
    const headers = new Headers(calls[0]?.[1]?.headers);
    expect(calls[0]?.[0]).toBe('https://api.example/a?b=1');
    expect(calls[0]?.[1]?.method).toBe('POST');
    expect(headers.get('content-digest')).toBe('sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
    expect(headers.get('signature-input')).toMatch(/^aegis=\("@method" "@path" "@query" "content-digest"\);created=1700000000;keyid="svc-2025";nonce="[A-Za-z0-9_-]{22}";alg="hmac-sha256"$/);
    expect(headers.get('signature')).toMatch(/^aegis=:[A-Za-z0-9+/]{43}=:$/);
    await expect(fake('https://api.example/a', { method: 'POST', body: new URLSearchParams('a=1') })).rejects.toThrow(
      new TypeError('signed fetch: the body must be a string, a Uint8Array or absent, so it can be digested before it is sent.'),
    );
    expect(calls).toHaveLength(1);
  });
});
