/** One HTTP(S) request, no redirects, raw header pairs, bounded body and time. */

import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FetchedResponse } from '../exposures/response.js';
import type { ReceivedHeader } from '../headers/header-list.js';
import { errorMessage } from '../error-message.js';
import { LENIENT_CLIENT_TLS } from '../tls/versions.js';

/** Options of {@link fetchOnce}. */
export interface FetchOnceOptions {
  /** Request method; default `'GET'`. */
  readonly method?: string;
  /** Request headers to send. */
  readonly headers?: OutgoingHttpHeaders;
  /** One overall deadline in milliseconds: connect, TLS, headers and body together. */
  readonly timeoutMs: number;
  /** Body bytes kept; the rest is not read. Default 1 000 000. */
  readonly maxBodyBytes?: number;
  /** TLS SNI name, when it differs from the URL's host. */
  readonly servername?: string;
}

/** A fetched response with its body as bytes and whether it was cut at `maxBodyBytes`. */
export interface FetchedBytes extends FetchedResponse {
  readonly body: Uint8Array;
  /** True when the server sent more than `maxBodyBytes` (the body holds exactly that many). */
  readonly truncated: boolean;
}

/** A request that got no usable answer (DNS, connect, TLS, timeout, malformed response…). */
export interface FetchError {
  readonly error: string;
}

/** What {@link fetchOnce} resolves to. */
export type FetchOutcome = FetchedBytes | FetchError;

/** Default bound on kept body bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

/**
 * Sends one request with node:http / node:https and resolves to the status, the header pairs in
 * received order (duplicates such as two `Set-Cookie` kept, from `res.rawHeaders`) and at most
 * `maxBodyBytes` of the body (undecoded: no decompression), or to `{ error }`. Never follows
 * redirects, never rejects, and always destroys the socket. One deadline (`timeoutMs`) covers
 * connect, handshake, headers and body, so a slow or endless body ends at the deadline (as an
 * error) or at the byte bound (as `truncated: true`).
 *
 * **Certificates are not verified** (`rejectUnauthorized: false`), and TLS 1.0/1.1 and legacy suites
 * are accepted (`LENIENT_CLIENT_TLS`): the scanner fetches to read what a site serves; its TLS is
 * judged separately by the TLS sweep.
 * @see https://nodejs.org/api/http.html#httprequesturl-options-callback
 * @example const res = await fetchOnce('https://example.com/', { timeoutMs: 5000 }); if (!('error' in res)) res.status;
 */
export function fetchOnce(url: string, options: FetchOnceOptions): Promise<FetchOutcome> {
  const { method = 'GET', headers, timeoutMs, maxBodyBytes = DEFAULT_MAX_BODY_BYTES, servername } = options;
  return new Promise<FetchOutcome>((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: `invalid URL: ${url}` });
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      resolve({ error: `unsupported protocol: ${target.protocol}` });
      return;
    }
    let settled = false;
    const chunks: Buffer[] = [];
    let kept = 0;
    const finish = (outcome: FetchOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const tls = target.protocol === 'https:' ? { rejectUnauthorized: false, ...LENIENT_CLIENT_TLS, ...(servername === undefined ? {} : { servername }) } : {};
    const req = send(target, { method, headers, agent: false, ...tls }, (res: IncomingMessage) => {
      const base = { status: res.statusCode ?? 0, headers: pairs(res.rawHeaders) };
      const done = (truncated: boolean): void => finish({ ...base, body: new Uint8Array(Buffer.concat(chunks, kept)), truncated });
      res.on('data', (chunk: Buffer) => {
        const room = maxBodyBytes - kept;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          kept += room;
          done(true);
          return;
        }
        chunks.push(chunk);
        kept += chunk.length;
      });
      res.on('end', () => done(false));
      res.on('error', (error) => finish({ error: errorMessage(error) }));
      res.on('aborted', () => finish({ error: 'connection closed before the body ended' }));
    });
    const timer = setTimeout(() => finish({ error: `timed out after ${timeoutMs} ms` }), timeoutMs);
    req.on('error', (error) => finish({ error: errorMessage(error) }));
    req.end();
  });
}

/** `rawHeaders` ([name, value, name, value…]) as `[name, value]` pairs in received order. */
function pairs(raw: readonly string[]): ReceivedHeader[] {
  const result: ReceivedHeader[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) result.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return result;
}
