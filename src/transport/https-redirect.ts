import type { Problems} from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { checkObject, readEnum } from '../core/read-option.js';
import { compileRouteMatcher, type RouteMatcher } from '../core/route-matcher.js';
import { emptyReply, type AegisReply } from '../core/reply.js';
import { hostForUrl, parseHost } from './host-syntax.js';

/**
 * Redirect of plain-HTTP requests to HTTPS. On by default in production, off in development and test.
 *
 * Status: `308 Permanent Redirect` by default for every method — it keeps the method and body, so
 * a POST is not silently turned into a GET. `status: 301` uses 301 for GET and HEAD only (for very
 * old clients); other methods always get 308.
 */
export interface HttpsRedirectOptions {
  /** Status for GET and HEAD. Default `308`. */
  status?: 301 | 308;
  /** HTTPS port to redirect to. Default `443` (left out of the URL). */
  port?: number;
  /**
   * Redirect to this host instead of the request's (already allow-listed) host. Required when the
   * host allowlist is off, or the redirect would send users wherever the Host header says.
   */
  host?: string;
  /** Paths served over plain HTTP anyway. Default `['/.well-known/acme-challenge/*']` (ACME HTTP-01). */
  exclude?: readonly string[];
}

/** Builds the redirect for a plain request, or nothing when the path is excluded. */
export interface HttpsRedirect {
  redirect(method: string, hostname: string, target: string, path: string): AegisReply | undefined;
}

const KNOWN = ['status', 'port', 'host', 'exclude'];

export function compileHttpsRedirect(
  options: HttpsRedirectOptions | boolean | undefined,
  context: { production: boolean; hostsChecked: boolean; problems: Problems; path: string },
): HttpsRedirect | undefined {
  const { problems, path } = context;
  const enabled = options === undefined ? context.production : options !== false;
  if (!enabled) return undefined;
  const opts: HttpsRedirectOptions = typeof options === 'object' ? options : {};
  if (!checkObject(opts, KNOWN, problems, path, '{ status: 308 }, true or false')) return undefined;
  const safeStatus = readEnum(String(opts.status ?? 308), ['301', '308'], '308', problems, `${path}.status`) === '301' ? 301 : 308;
  const port = opts.port ?? 443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.add(`${path}.port`, `${show(port)} is not a port.`, 'write a number from 1 to 65535, e.g. 443.');
  }
  let fixedHost: string | undefined;
  if (opts.host !== undefined) {
    const parsed = typeof opts.host === 'string' ? parseHost(opts.host) : undefined;
    if (!parsed || parsed.port !== undefined) problems.add(`${path}.host`, `${show(opts.host)} is not a host name.`, "write a name such as 'www.example.com' (no scheme, no port).");
    else fixedHost = parsed.hostname;
  } else if (!context.hostsChecked) {
    problems.add(path, 'the host allowlist is off, so the redirect would follow any Host header (an open redirect).', "set httpsRedirect.host: 'www.example.com', or configure hosts.");
  }
  const excluded: RouteMatcher<true> | undefined = compileRouteMatcher(
    (opts.exclude ?? ['/.well-known/acme-challenge/*']).map((pattern) => ({ path: pattern, value: true as const })),
    problems,
    `${path}.exclude`,
  );
  const portSuffix = port === 443 ? '' : `:${port}`;
  return {
    redirect(method, hostname, target, requestPath) {
      if (excluded?.match(method, requestPath)) return undefined;
      const status = method === 'GET' || method === 'HEAD' ? safeStatus : 308;
      const location = `https://${hostForUrl(fixedHost ?? hostname)}${portSuffix}${originForm(target)}`;
      return emptyReply(status, [['Location', location]]);
    },
  };
}

/** The path and query of a request target (absolute-form targets lose their scheme and authority). */
function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rest = match ? target.slice(match[0].length) : '';
  return rest.startsWith('/') ? rest : `/${rest}`;
}
