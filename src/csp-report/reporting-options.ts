import type { Problems} from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { checkObject, readSize } from '../core/read-option.js';
import { parseRate, type Rate, type Size } from '../core/units.js';

/**
 * Where browsers send CSP violation reports. By default Aegis serves its own endpoint and turns
 * each report into a `csp.violation` event; `false` sends no reports.
 */
export interface ReportingOptions {
  /** Path of the built-in endpoint. Default `'/_aegis/csp-report'`. */
  path?: string;
  /** Send reports to an external collector (an absolute `https:` URL) instead; the built-in endpoint is then off. */
  url?: string;
  /** Reporting API endpoint name used by `report-to` and `Reporting-Endpoints`. Default `'csp-endpoint'`. */
  group?: string;
  /** Largest report body accepted. Default `'64kb'`. */
  maxBodySize?: Size;
  /** Reports accepted per client IP. Default `'60/min'`. */
  rate?: Rate;
}

/** Reporting resolved once for the whole policy. */
export interface ResolvedReporting {
  /** `report-uri` value. */
  readonly uri: string;
  /** `report-to` group name. */
  readonly group: string;
  /** URL declared in `Reporting-Endpoints`. */
  readonly endpointUrl: string;
  /** The built-in endpoint, when it is used. */
  readonly endpoint: { readonly path: string; readonly maxBodySize: number; readonly rate: { max: number; windowMs: number } } | undefined;
}

const KNOWN = ['path', 'url', 'group', 'maxBodySize', 'rate'];
const GROUP = /^[a-z0-9_-]{1,64}$/i;

export function compileReporting(options: ReportingOptions | false | undefined, problems: Problems, path: string): ResolvedReporting | undefined {
  if (options === false) return undefined;
  const opts = options ?? {};
  if (!checkObject(opts, KNOWN, problems, path, "{ path: '/_aegis/csp-report' }, or false")) return undefined;
  const group = opts.group ?? 'csp-endpoint';
  if (typeof group !== 'string' || !GROUP.test(group)) {
    problems.add(`${path}.group`, `${show(group)} is not an endpoint name.`, "use letters, digits, '-' and '_', e.g. 'csp-endpoint'.");
  }
  if (opts.url !== undefined) {
    if (opts.path !== undefined) problems.add(`${path}.url`, 'url and path are both set.', 'keep url to use an external collector, or path to use the built-in endpoint.');
    if (!isHttpsUrl(opts.url)) {
      problems.add(`${path}.url`, `${show(opts.url)} is not an absolute https URL.`, "write the collector's full address, e.g. 'https://reports.example.com/csp'.");
    }
    return { uri: String(opts.url), group, endpointUrl: String(opts.url), endpoint: undefined };
  }
  const endpointPath = opts.path ?? '/_aegis/csp-report';
  if (typeof endpointPath !== 'string' || !/^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/.test(endpointPath)) {
    problems.add(`${path}.path`, `${show(endpointPath)} is not a path.`, "write a path such as '/_aegis/csp-report'.");
  }
  const maxBodySize = readSize(opts.maxBodySize, 64 * 1024, problems, `${path}.maxBodySize`);
  const rate = parseRate(opts.rate ?? '60/min');
  if (!rate) problems.add(`${path}.rate`, `${show(opts.rate)} is not a rate.`, "write '60/min' or { max: 60, window: '1m' }.");
  return {
    uri: endpointPath,
    group,
    endpointUrl: endpointPath,
    endpoint: { path: endpointPath, maxBodySize, rate: rate ?? { max: 60, windowMs: 60_000 } },
  };
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:' && !/[\s;,"]/.test(value);
  } catch {
    return false;
  }
}
