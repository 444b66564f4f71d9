/** The options of a scan, their defaults, and the progress events it reports. */

import type { DriftEntry } from '../result.js';
import type { ReceivedHeader } from '../headers/header-list.js';

/** A step of a target's scan finished (for a progress display). */
export interface ScanProgress {
  readonly target: string;
  /** What finished: `page`, `redirects`, `tls`, `cors`, `exposures`, `source maps`… */
  readonly step: string;
  /** Steps finished so far for this target, and how many there are (the total grows once, when source maps are found). */
  readonly done: number;
  readonly total: number;
}

/** Options of {@link scan} and {@link scanAll}. */
export interface ScanOptions {
  /** Deadline of each probe (one request, one TLS handshake), in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  /** Trust these CA certificates (PEM) instead of the system store when judging the certificate. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /**
   * Port of the plain-HTTP entry point whose redirects are checked (`http://<host>:<port>/<path>`).
   * Default 80; `false` skips the redirect checks. Ignored when the target itself is an http:// URL.
   */
  readonly httpPort?: number | false;
  /** Probe the TLS versions and suites (the slowest part). Default true. */
  readonly tls?: boolean;
  /** Probes in flight at once for one target. Default 8. */
  readonly probeConcurrency?: number;
  /** Body bytes read from any response; the rest is not read. Default 1 000 000. */
  readonly maxBodyBytes?: number;
  /** Most requests made to follow one redirect chain. Default 10. */
  readonly maxRedirects?: number;
  /**
   * Compares the page's headers with what a policy would send (`aegis scan --expect`): given the
   * served headers and the page's URL, returns every difference (see `policyDrift`). The result's
   * `drift` is set only when this is given.
   */
  readonly drift?: (served: readonly ReceivedHeader[], page: URL) => DriftEntry[];
  /** Called after each step of each target. */
  readonly onProgress?: (progress: ScanProgress) => void;
  /** The time certificates and cookies are judged against. Default: now. */
  readonly now?: Date;
}

/** Options of {@link scanAll}. */
export interface ScanAllOptions extends ScanOptions {
  /** Targets scanned at once. Default 2. */
  readonly concurrency?: number;
  /** The version reported as `tool.version`. Default `'unknown'`. */
  readonly toolVersion?: string;
}

/** Scan options with every default filled in. */
export interface ResolvedScanOptions {
  readonly timeoutMs: number;
  readonly ca?: ScanOptions['ca'];
  readonly httpPort: number | false;
  readonly tls: boolean;
  readonly probeConcurrency: number;
  readonly maxBodyBytes: number;
  readonly maxRedirects: number;
  readonly drift?: ScanOptions['drift'];
  readonly onProgress?: ScanOptions['onProgress'];
  readonly now?: Date;
}

const positiveInteger = (value: number | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`scan option ${name} must be a positive integer, not ${String(value)}`);
  return value;
};

/**
 * The options with their defaults.
 * @throws RangeError naming the option when a number is not a positive integer (or a port out of range).
 */
export function resolveScanOptions(options: ScanOptions = {}): ResolvedScanOptions {
  const httpPort = options.httpPort ?? 80;
  if (httpPort !== false && (!Number.isInteger(httpPort) || httpPort < 1 || httpPort > 65535)) {
    throw new RangeError(`scan option httpPort must be a port (1-65535) or false, not ${String(httpPort)}`);
  }
  return {
    timeoutMs: positiveInteger(options.timeoutMs, 'timeoutMs', 5000),
    ca: options.ca,
    httpPort,
    tls: options.tls ?? true,
    probeConcurrency: positiveInteger(options.probeConcurrency, 'probeConcurrency', 8),
    maxBodyBytes: positiveInteger(options.maxBodyBytes, 'maxBodyBytes', 1_000_000),
    maxRedirects: positiveInteger(options.maxRedirects, 'maxRedirects', 10),
    drift: options.drift,
    onProgress: options.onProgress,
    now: options.now,
  };
}
