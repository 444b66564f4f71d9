import type { Problems } from '../core/config-error.js';
import { checkObject, readDuration, readPositiveInteger, readSize } from '../core/read-option.js';
import type { Duration, Size } from '../core/units.js';

/**
 * Request size and time limits. `body` is enforced per request by Aegis (and may be changed per
 * route); the others are server settings, applied by `createServer()` / `applyServerLimits()` from
 * `aegis/node`, or by passing `policy.serverOptions` to `http.createServer`.
 */
export interface LimitsOptions {
  /** Largest request body, checked against `Content-Length` and counted on the stream. Default `'1mb'` (1 MiB). */
  body?: Size;
  /** Most header lines per request; more gets 431. Default `100`. */
  headerCount?: number;
  /** Largest total size of the request line and headers; more gets 431. Default `'16kb'`. */
  headerSize?: Size;
  /** Time allowed to receive the complete headers; a slow trickle gets 408. Default `'20s'`. */
  headersTimeout?: Duration;
  /** Time allowed to receive the complete request, body included. Default `'60s'`. */
  requestTimeout?: Duration;
  /** How long an idle keep-alive connection stays open. Default `'5s'`. */
  keepAliveTimeout?: Duration;
}

/** Limits in bytes and milliseconds. */
export interface ResolvedLimits {
  readonly body: number;
  readonly headerCount: number;
  readonly headerSize: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
}

/** Settings for `http.createServer(options)` / `https.createServer(options)` that enforce the limits. */
export interface ServerLimitOptions {
  readonly maxHeaderSize: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
  /** How often Node checks the timeouts above (its default, 30 s, would let a slow client linger). */
  readonly connectionsCheckingInterval: number;
  /** Off: Aegis checks Host itself (missing, empty, duplicate, malformed), with a clear body and an event. */
  readonly requireHostHeader: false;
}

const KNOWN = ['body', 'headerCount', 'headerSize', 'headersTimeout', 'requestTimeout', 'keepAliveTimeout'];

export function compileLimits(options: LimitsOptions | undefined, problems: Problems, path: string): ResolvedLimits {
  const opts = options ?? {};
  checkObject(opts, KNOWN, problems, path, "{ body: '1mb' }");
  const at = (key: string) => `${path}.${key}`;
  const limits = {
    body: readSize(opts.body, 1024 * 1024, problems, at('body')),
    headerCount: readPositiveInteger(opts.headerCount, 100, problems, at('headerCount')),
    headerSize: readSize(opts.headerSize, 16 * 1024, problems, at('headerSize')),
    headersTimeout: readDuration(opts.headersTimeout, 20_000, problems, at('headersTimeout')),
    requestTimeout: readDuration(opts.requestTimeout, 60_000, problems, at('requestTimeout')),
    keepAliveTimeout: readDuration(opts.keepAliveTimeout, 5_000, problems, at('keepAliveTimeout')),
  };
  if (limits.headerSize < 1024) problems.add(at('headerSize'), 'below 1kb, ordinary browser requests would be refused.', "use at least '8kb'.");
  if (limits.headersTimeout <= 0) problems.add(at('headersTimeout'), 'must be more than zero.', "write '20s'.");
  if (limits.requestTimeout > 0 && limits.headersTimeout > limits.requestTimeout) {
    problems.add(at('headersTimeout'), 'is longer than requestTimeout, which Node.js refuses.', 'make headersTimeout shorter than requestTimeout.');
  }
  return limits;
}

/** The server settings for these limits. */
export function serverLimitOptions(limits: ResolvedLimits): ServerLimitOptions {
  return {
    maxHeaderSize: limits.headerSize,
    headersTimeout: limits.headersTimeout,
    requestTimeout: limits.requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeout / 4))),
    requireHostHeader: false,
  };
}
