import { finding, type ScanFinding } from '../finding.js';
import { HEADER_FINDINGS } from './findings.js';
import { listMembers, shown, valuesOf, type ReceivedHeader } from './header-list.js';

/**
 * A response that sets cookies must not be stored by a shared cache, or the next visitor may get
 * someone else's session: it needs `no-store`, `private` (also `private="set-cookie"`) or
 * `no-cache="set-cookie"`. Anything else (no Cache-Control, `public`, `max-age`, plain `no-cache`,
 * which still lets a cache store the response) is reported.
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html
 */
export function checkCookieCaching(headers: readonly ReceivedHeader[], setsCookies: boolean): ScanFinding[] {
  if (!setsCookies) return [];
  const values = valuesOf(headers, 'Cache-Control');
  const directives = listMembers(values).map((member) => member.toLowerCase().replace(/\s+/g, ''));
  const safe = directives.some((directive) => directive === 'no-store' || directive === 'private' || directive.startsWith('private=') || (directive.startsWith('no-cache=') && directive.includes('set-cookie')));
  if (safe) return [];
  const evidence = values.length ? `${shown('Cache-Control', values)} with Set-Cookie` : 'no Cache-Control with Set-Cookie';
  return [
    finding(
      HEADER_FINDINGS.cookieResponseCacheable,
      evidence,
      "send Cache-Control: no-store (or private) on responses that set cookies, e.g. headers.custom: { 'Cache-Control': 'no-store' } on the routes that log in.",
    ),
  ];
}
