import { parseCookieDate } from './cookie-date.js';
import { COOKIE_FINDINGS, cookieFinding, type CookieFinding } from './findings.js';

/** SameSite as browsers read it: a known value, or `invalid` (treated as absent). */
export type SameSite = 'strict' | 'lax' | 'none' | 'invalid';

/** One recognised attribute as served: canonical name, value trimmed (absent for flags). */
export interface SeenAttribute {
  readonly name: 'Expires' | 'Max-Age' | 'Domain' | 'Path' | 'Secure' | 'HttpOnly' | 'SameSite' | 'Partitioned';
  readonly value?: string;
}

/** One `Set-Cookie` line, as a browser would store it (RFC 6265bis 5.6), plus what was served. */
export interface ParsedSetCookie {
  readonly name: string;
  /** The value. Never put it in a report: it may be a session token. */
  readonly value: string;
  /** `Expires`, when its date parses (the last valid one). */
  readonly expires?: Date;
  /** `Max-Age` in seconds (may be zero or negative: the cookie is expired). Takes precedence over `expires`. */
  readonly maxAge?: number;
  /** `Domain`, lower case, leading dot removed; absent for a host-only cookie. */
  readonly domain?: string;
  /** The cookie's path: the `Path` attribute when it starts with `/`, else the default-path of the URL. */
  readonly path: string;
  /** Whether a valid `Path` attribute was served (the `__Host-` prefix needs `Path=/`). */
  readonly pathAttribute: boolean;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly partitioned: boolean;
  /** Absent when no `SameSite` attribute was served. */
  readonly sameSite?: SameSite;
  /** Recognised attributes in the order served, for evidence. */
  readonly attributes: readonly SeenAttribute[];
  /** How many attributes were not recognised (kept out of evidence: a mis-split value would leak there). */
  readonly unrecognised: number;
}

/** A parsed line and the syntax findings about it; `cookie` is absent when browsers ignore the whole line. */
export interface SetCookieParse {
  readonly cookie?: ParsedSetCookie;
  readonly findings: readonly CookieFinding[];
}

/** %x00-08 / %x0A-1F / %x7F: a line with one is ignored entirely (HTAB is allowed). */
// eslint-disable-next-line no-control-regex -- the RFC names these control characters
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const MAX_NAME_VALUE = 4096;
const MAX_ATTRIBUTE_VALUE = 1024;
const MAX_AGE = /^-?\d+$/;
const CANONICAL: Record<string, SeenAttribute['name']> = {
  expires: 'Expires',
  'max-age': 'Max-Age',
  domain: 'Domain',
  path: 'Path',
  secure: 'Secure',
  httponly: 'HttpOnly',
  samesite: 'SameSite',
  partitioned: 'Partitioned',
};

/**
 * Parses one `Set-Cookie` header value the way RFC 6265bis section 5.6 tells browsers to: the
 * name-value pair ends at the first `;` and splits at its first `=` (no `=`: an empty name), both
 * trimmed of spaces and tabs; attributes split on `;`, names matched case-insensitively, the last
 * occurrence winning. `Expires` uses the cookie date algorithm (`parseCookieDate`); `Max-Age` must
 * be an optional `-` and digits; `Domain` loses a leading dot and is lower-cased (empty: ignored);
 * `Path` not starting with `/` falls back to the default-path of `url` (`/` without one);
 * `SameSite` is Strict, Lax, None or invalid. Lines with control characters, with an empty name and
 * value, or with a name and value over 4096 bytes are ignored whole; attribute values over 1024
 * bytes are ignored. Findings never show the value.
 * @param line One `Set-Cookie` header value.
 * @param url The URL that served it, for the default-path (`/` without one).
 * @param header The header's index, copied into the findings. Default 0.
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#name-the-set-cookie-header-field
 * @example parseSetCookie('sid=abc; Secure; HttpOnly; SameSite=Lax').cookie?.sameSite // 'lax'
 */
export function parseSetCookie(line: string, url?: URL, header = 0): SetCookieParse {
  const semicolon = line.indexOf(';');
  const pair = semicolon < 0 ? line : line.slice(0, semicolon);
  const equals = pair.indexOf('=');
  const name = trim(equals < 0 ? '' : pair.slice(0, equals));
  const value = trim(equals < 0 ? pair : pair.slice(equals + 1));
  const shown = `${name === '' ? '[no name]' : name}=[value hidden]`;
  if (CONTROL.test(line)) {
    // The split may be wrong on such a line: show the name only when it is itself clean.
    const safe = CONTROL.test(name) || name.length > 256 ? '[name hidden]=[value hidden]' : shown;
    return rejected(header, `${safe} (control character)`, 'remove control characters (CR, LF, NUL…) from the cookie; browsers ignore the whole line.');
  }
  if (name === '' && value === '') {
    return rejected(header, '[empty name and value]', 'give the cookie a name and a value, or stop sending this Set-Cookie line.');
  }
  const size = Buffer.byteLength(name) + Buffer.byteLength(value);
  if (size > MAX_NAME_VALUE) {
    return rejected(header, `${shown} (${size} bytes)`, 'keep name and value under 4096 bytes; store large state on the server.');
  }

  const findings: CookieFinding[] = [];
  const attributes: SeenAttribute[] = [];
  const seenNames = new Set<string>();
  let unrecognised = 0;
  let expires: Date | undefined;
  let maxAge: number | undefined;
  let domain: string | undefined;
  let path: string | undefined;
  let secure = false;
  let httpOnly = false;
  let partitioned = false;
  let sameSite: SameSite | undefined;
  const ignored = (text: string, fix: string) => findings.push(cookieFinding(COOKIE_FINDINGS.ignoredAttribute, header, `${shown}; ${text}`, fix));

  for (const raw of semicolon < 0 ? [] : line.slice(semicolon + 1).split(';')) {
    const at = raw.indexOf('=');
    const key = trim(at < 0 ? raw : raw.slice(0, at));
    const attributeValue = trim(at < 0 ? '' : raw.slice(at + 1));
    const canonical = CANONICAL[key.toLowerCase()];
    if (canonical === undefined) {
      if (key !== '' || attributeValue !== '') unrecognised += 1;
      continue;
    }
    const flag = canonical === 'Secure' || canonical === 'HttpOnly' || canonical === 'Partitioned';
    const seen: SeenAttribute = flag ? { name: canonical } : { name: canonical, value: attributeValue };
    attributes.push(seen);
    if (seenNames.has(canonical)) {
      findings.push(cookieFinding(COOKIE_FINDINGS.duplicateAttribute, header, `${shown}; ${canonical} given more than once`, `send ${canonical} once; browsers keep the last one.`));
    }
    seenNames.add(canonical);
    if (Buffer.byteLength(attributeValue) > MAX_ATTRIBUTE_VALUE) {
      ignored(`${canonical} over 1024 bytes`, `shorten ${canonical}; browsers ignore attribute values over 1024 bytes.`);
      continue;
    }
    switch (canonical) {
      case 'Expires': {
        const date = parseCookieDate(attributeValue);
        if (date) expires = date;
        else ignored(`Expires=${attributeValue}`, 'write Expires as an HTTP date (Wed, 21 Oct 2026 07:28:00 GMT), or use Max-Age.');
        break;
      }
      case 'Max-Age':
        if (MAX_AGE.test(attributeValue)) maxAge = Number(attributeValue);
        else ignored(`Max-Age=${attributeValue}`, 'write Max-Age as a whole number of seconds.');
        break;
      case 'Domain':
        if (attributeValue === '') ignored('Domain=', 'remove the empty Domain attribute (or name a domain).');
        else domain = attributeValue.replace(/^\./, '').toLowerCase();
        break;
      case 'Path':
        if (attributeValue.startsWith('/')) path = attributeValue;
        else {
          path = undefined;
          ignored(`Path=${attributeValue}`, 'start Path with "/" (browsers use the default path of the URL instead).');
        }
        break;
      case 'Secure':
        secure = true;
        break;
      case 'HttpOnly':
        httpOnly = true;
        break;
      case 'Partitioned':
        partitioned = true;
        break;
      case 'SameSite': {
        const lower = attributeValue.toLowerCase();
        sameSite = lower === 'strict' || lower === 'lax' || lower === 'none' ? lower : 'invalid';
        break;
      }
    }
  }
  if (name === '') {
    findings.push(cookieFinding(COOKIE_FINDINGS.nameless, header, shown, 'give the cookie a name (name=value); a nameless cookie is easy to overwrite and confuses servers.'));
  }
  const cookie: ParsedSetCookie = {
    name,
    value,
    ...(expires && { expires }),
    ...(maxAge !== undefined && { maxAge }),
    ...(domain !== undefined && { domain }),
    path: path ?? defaultPath(url),
    pathAttribute: path !== undefined,
    secure,
    httpOnly,
    partitioned,
    ...(sameSite && { sameSite }),
    attributes,
    unrecognised,
  };
  return { cookie, findings };
}

/**
 * A cookie as evidence: `name=[value hidden]` and its recognised attributes as served, never the
 * value; unrecognised attributes are only counted.
 * @example describeCookie(parseSetCookie('sid=abc; Path=/; Secure').cookie!) // 'sid=[value hidden]; Path=/; Secure'
 */
export function describeCookie(cookie: ParsedSetCookie): string {
  const parts = [`${cookie.name === '' ? '[no name]' : cookie.name}=[value hidden]`];
  for (const attribute of cookie.attributes) parts.push(attribute.value === undefined ? attribute.name : `${attribute.name}=${attribute.value}`);
  if (cookie.unrecognised > 0) parts.push(`[${cookie.unrecognised} unrecognised attribute${cookie.unrecognised > 1 ? 's' : ''}]`);
  return parts.join('; ');
}

/** The default-path of RFC 6265bis 5.1.4: the URL path up to, not including, its last `/`; `/` at the top. */
export function defaultPath(url: URL | undefined): string {
  const path = url?.pathname ?? '/';
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

function rejected(header: number, evidence: string, fix: string): SetCookieParse {
  return { findings: [cookieFinding(COOKIE_FINDINGS.rejectedLine, header, evidence, fix)] };
}

/** Removes leading and trailing WSP (space and horizontal tab) only. */
function trim(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}
