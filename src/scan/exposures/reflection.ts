import { finding, type ScanFinding } from '../finding.js';
import { valuesOf } from '../headers/header-list.js';
import { EXPOSURE_FINDINGS } from './findings.js';
import { TRACE_PROBE } from './paths.js';
import { bodyText, excerpt, mediaType, succeeded, type FetchedResponse } from './response.js';

/**
 * Evaluates the answer to `TRACE_PROBE`: a 2xx answer that echoes the request (a `message/http`
 * body, or a body starting with the `TRACE` request line, or carrying the probe's marker header)
 * means TRACE is enabled (`030`). A 405 or 501, or a page that does not echo, gives nothing.
 * @see https://owasp.org/www-community/attacks/Cross_Site_Tracing
 * @example evaluateTrace({ status: 405, headers: [], body: '' }) // []
 */
export function evaluateTrace(response: FetchedResponse): ScanFinding[] {
  if (!succeeded(response)) return [];
  const text = bodyText(response);
  const [markerName, markerValue] = TRACE_PROBE.headers[0];
  const echoed = /^TRACE \S+ HTTP\/\d/.test(text) || mediaType(response) === 'message/http' || text.toLowerCase().includes(`${markerName}: ${markerValue}`.toLowerCase());
  if (!echoed) return [];
  return [finding(EXPOSURE_FINDINGS.traceEnabled, `TRACE ${TRACE_PROBE.path} → ${response.status}, "${excerpt(text.split(/\r?\n/)[0] ?? '')}"`, 'disable TRACE at the server (Apache `TraceEnable off`) or answer it with 405.')];
}

/**
 * Evaluates an answer to a request sent with `Host: sentHost` (a foreign host, `FOREIGN_HOST`):
 * the host in the `Location` header (`040`, high: redirects and password-reset links can be pointed
 * anywhere, and caches may keep the result), or in a URL in the body (`//host`, any scheme; `041`).
 * @see https://portswigger.net/web-security/host-header
 * @example evaluateHostReflection('aegis-scan.invalid', { status: 302, headers: [['Location', 'https://aegis-scan.invalid/']], body: '' })
 */
export function evaluateHostReflection(sentHost: string, response: FetchedResponse): ScanFinding[] {
  const host = sentHost.toLowerCase();
  const findings: ScanFinding[] = [];
  const location = valuesOf(response.headers, 'Location').find((value) => locationHost(value) === host);
  if (location !== undefined) {
    findings.push(finding(EXPOSURE_FINDINGS.hostInLocation, `Host: ${sentHost} → ${response.status}, Location: ${location}`, 'build absolute URLs from a configured origin, and reject unknown Host headers (Aegis `hosts`).'));
  }
  const text = bodyText(response);
  const at = text.toLowerCase().indexOf(`//${host}`);
  if (at >= 0) {
    const around = text.slice(Math.max(0, at - 30), at + host.length + 32);
    findings.push(finding(EXPOSURE_FINDINGS.hostInBody, `Host: ${sentHost} → ${response.status}, body: "${excerpt(around)}"`, 'build absolute URLs from a configured origin, and reject unknown Host headers (Aegis `hosts`).'));
  }
  return findings;
}

function locationHost(value: string): string | undefined {
  try {
    return new URL(value, 'http://scanned.invalid/').hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
