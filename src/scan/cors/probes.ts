/**
 * The CORS probe requests `aegis scan` makes, as data: a foreign origin and `Origin: null`, each as
 * a simple request and as a preflight. The scanner sends them to the scanned URL; `evaluateCors`
 * judges the answers.
 */

import type { ReceivedHeader } from '../headers/header-list.js';

/**
 * The foreign origin sent. `.invalid` is reserved (RFC 6761 §6.4): it never belongs to anyone, so
 * a site allowing it allows any origin.
 */
export const FOREIGN_ORIGIN = 'https://aegis-scan.invalid';

/**
 * The method a preflight asks for. Not a method any site serves: a server allowing it copies the
 * request (or allows `*`).
 */
export const PREFLIGHT_METHOD = 'AEGISPROBE';

/** The request header a preflight asks for, chosen for the same reason as `PREFLIGHT_METHOD`. */
export const PREFLIGHT_HEADER = 'x-aegis-scan-probe';

/** One CORS probe request. */
export interface CorsProbe {
  /** Stable name, used in evidence. */
  readonly name: 'foreign-simple' | 'foreign-preflight' | 'null-simple' | 'null-preflight';
  readonly method: 'GET' | 'OPTIONS';
  /** The `Origin` sent: `FOREIGN_ORIGIN` or `null`. */
  readonly origin: string;
  readonly preflight: boolean;
  /** Every header to send (Origin included). */
  readonly headers: readonly ReceivedHeader[];
}

function probe(name: CorsProbe['name'], origin: string, preflight: boolean): CorsProbe {
  const headers: ReceivedHeader[] = [['Origin', origin]];
  if (preflight) headers.push(['Access-Control-Request-Method', PREFLIGHT_METHOD], ['Access-Control-Request-Headers', PREFLIGHT_HEADER]);
  return { name, method: preflight ? 'OPTIONS' : 'GET', origin, preflight, headers };
}

/**
 * The four probes, in the order to send them.
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
export const CORS_PROBES: readonly CorsProbe[] = [
  probe('foreign-simple', FOREIGN_ORIGIN, false),
  probe('foreign-preflight', FOREIGN_ORIGIN, true),
  probe('null-simple', 'null', false),
  probe('null-preflight', 'null', true),
];
