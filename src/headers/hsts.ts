import type { Problems} from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { checkObject, readBoolean } from '../core/read-option.js';
import { parseDuration } from '../core/units.js';

/**
 * Strict-Transport-Security options. The header is only ever sent on secure requests (TLS on the
 * socket, or `https` reported by a trusted proxy): on plain HTTP browsers ignore it anyway.
 * @see https://www.rfc-editor.org/rfc/rfc6797
 * @see https://hstspreload.org/#deployment-recommendations
 */
export interface HstsOptions {
  /** Seconds as a number (as in the header), or a duration string such as `'2y'`. Default `63072000` (2 years). */
  maxAge?: number | string;
  /** Also cover every subdomain. Default `true`. */
  includeSubDomains?: boolean;
  /** Ask to be preloaded into browsers. Opt-in; refused unless maxAge >= 1 year and includeSubDomains. Default `false`. */
  preload?: boolean;
}

/** One year in seconds: the least max-age the HSTS preload list accepts, and what the checks ask for. */
export const ONE_YEAR_SECONDS = 31_536_000;
const KNOWN = ['maxAge', 'includeSubDomains', 'preload'];

/** Validates HSTS options and returns the header value, or `undefined` when off or invalid. */
export function compileHsts(options: HstsOptions | false | undefined, problems: Problems, path: string): string | undefined {
  if (options === false) return undefined;
  const opts = options ?? {};
  if (!checkObject(opts, KNOWN, problems, path, "{ maxAge: '2y', includeSubDomains: true }, or false")) return undefined;

  const maxAge = readMaxAge(opts.maxAge, problems, `${path}.maxAge`);
  const includeSubDomains = readBoolean(opts.includeSubDomains, true, problems, `${path}.includeSubDomains`);
  const preload = readBoolean(opts.preload, false, problems, `${path}.preload`);
  if (maxAge === undefined) return undefined;
  if (preload && (maxAge < ONE_YEAR_SECONDS || !includeSubDomains)) {
    problems.add(
      `${path}.preload`,
      'preload lists require max-age of at least one year and includeSubDomains.',
      "set maxAge: '1y' or more and includeSubDomains: true, or drop preload.",
    );
  }
  let value = `max-age=${maxAge}`;
  if (includeSubDomains) value += '; includeSubDomains';
  if (preload) value += '; preload';
  return value;
}

function readMaxAge(raw: unknown, problems: Problems, path: string): number | undefined {
  if (raw === undefined) return 63_072_000;
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 0) return raw;
  } else {
    const ms = parseDuration(raw);
    if (ms !== undefined) return Math.floor(ms / 1000);
  }
  problems.add(path, `${show(raw)} is not a duration.`, "give whole seconds (63072000) or a duration string ('2y').");
  return undefined;
}
