import type { HeaderPair } from '../headers/plan.js';

/**
 * A complete response that Aegis sends itself instead of passing the request on: a rejection, a
 * redirect, or the answer of a built-in endpoint. Adapters write it with their framework's API.
 */
export interface AegisReply {
  readonly status: number;
  readonly headers: readonly HeaderPair[];
  /** Short text, never a stack trace; bytes only for a replayed response (idempotency keys). */
  readonly body: string | Uint8Array;
  /** Close the connection after this response (the rest of the request is not worth reading). */
  readonly close: boolean;
}

/** Headers every reply carries: the body is plain text that must never be sniffed, framed or cached. */
const REPLY_HEADERS: readonly HeaderPair[] = [
  ['Content-Type', 'text/plain; charset=utf-8'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cache-Control', 'no-store'],
];

/**
 * The one rejection type (after hono's `HTTPException`): a status, a short public message and an
 * internal reason code for events and logs. Its public body never carries internals.
 */
export class AegisRejection extends Error {
  override readonly name = 'AegisRejection';

  constructor(
    /** HTTP status sent to the client. */
    readonly status: number,
    /** Short text sent to the client. */
    readonly publicMessage: string,
    /** Internal reason code, e.g. `host.not_allowed`. */
    readonly reason: string,
    /** Close the connection after answering. */
    readonly close = false,
    /** Extra response headers (e.g. `Allow`, `Retry-After`). */
    readonly extraHeaders: readonly HeaderPair[] = [],
  ) {
    super(`${status} ${publicMessage} (${reason})`);
  }

  /** The response to send. */
  toReply(): AegisReply {
    return {
      status: this.status,
      headers: this.extraHeaders.length ? [...REPLY_HEADERS, ...this.extraHeaders] : REPLY_HEADERS,
      body: `${this.publicMessage}\n`,
      close: this.close,
    };
  }
}

/** A reply with an empty body (redirects, accepted reports). */
export function emptyReply(status: number, headers: readonly HeaderPair[]): AegisReply {
  return { status, headers: [['Cache-Control', 'no-store'], ...headers], body: '', close: false };
}
