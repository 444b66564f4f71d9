import { show } from '../core/config-error.js';

/**
 * One validated entry of a CORS origin list. `text` is the normalised spelling (lower-case scheme
 * and host, default port dropped), which is also what the configuration loader returns.
 */
export type OriginRule =
  | { readonly kind: 'any'; readonly text: '*' }
  | { readonly kind: 'null'; readonly text: 'null' }
  | { readonly kind: 'exact'; readonly text: string }
  | OriginPattern;

/**
 * `scheme://*.domain[:port]`: any subdomain of `domain`, at any depth, with the same scheme and
 * port; never `domain` itself.
 */
export interface OriginPattern {
  readonly kind: 'pattern';
  readonly text: string;
  /** `'https://'` or `'http://'`. */
  readonly prefix: string;
  /** `'.example.com'`, plus `':8443'` when the pattern names a non-default port. */
  readonly suffix: string;
}

/** The result of {@link checkOrigin}: a rule, or why the entry is refused and what to write instead. */
export type OriginCheck = { readonly ok: true; readonly rule: OriginRule } | { readonly ok: false; readonly message: string; readonly fix: string };

/** A problem of one entry (`index`) of an origin list. */
export interface OriginListProblem {
  readonly index: number;
  readonly message: string;
  readonly fix: string;
}

/** A serialised origin is at most scheme (5) + `://` + a 253-byte name + `:65535`; longer is not one. */
const MAX_ORIGIN_LENGTH = 300;
const SCHEME = /^[a-z][a-z0-9+.-]*$/i;
/** One or more dot-separated DNS labels, lower-case, as browsers serialise them (`_` tolerated, like Host). */
const LABELS = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const EXAMPLE = "write an origin like 'https://app.example.com' or 'http://localhost:3000'.";

/**
 * Validates one origin entry, as `cors.origins` and the `origins` config type accept it:
 *
 * - an exact origin `scheme://host[:port]` over `http:` or `https:`, without path (not even `/`),
 *   query, fragment or user info; normalised with `new URL(o).origin`;
 * - a pattern `scheme://*.domain[:port]`: `*` is the whole first label and the only wildcard;
 *   `domain` has at least two labels (or is `localhost`) and is not an IP address;
 * - `'null'` (the opaque origin) and `'*'` (any origin), literally.
 *
 * Messages never repeat an entry holding a user name or password.
 */
export function checkOrigin(entry: unknown): OriginCheck {
  if (typeof entry !== 'string') return refuse(`${show(entry)} is not an origin.`, EXAMPLE);
  if (entry === '*') return { ok: true, rule: { kind: 'any', text: '*' } };
  if (entry === 'null') return { ok: true, rule: { kind: 'null', text: 'null' } };
  if (entry.trim() === '') return refuse('an empty string is not an origin.', EXAMPLE);
  if (entry !== entry.trim() || /\s/.test(entry)) return refuse(`${show(entry)} contains spaces.`, `write ${JSON.stringify(entry.replace(/\s+/g, ''))}.`);
  const separator = entry.indexOf('://');
  if (separator === -1) return withoutScheme(entry);
  const scheme = entry.slice(0, separator).toLowerCase();
  const rest = entry.slice(separator + 3);
  if (!SCHEME.test(scheme) || (scheme !== 'https' && scheme !== 'http')) {
    return refuse(`${show(entry)} uses the scheme "${scheme}:"; origins here are http: or https:.`, "write 'https://host' (or 'http://localhost:3000' in development).");
  }
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  if (authority.includes('@')) {
    return refuse('an entry holds a user name or password (not repeated here); an origin never has one.', 'remove the user:password@ part and keep scheme://host[:port].');
  }
  if (authorityEnd !== -1) return extraParts(entry, `${scheme}://${authority}`, rest.charAt(authorityEnd));
  if (authority.includes('*')) return checkPattern(entry, scheme, authority);
  return checkExact(entry, `${scheme}://${authority}`);
}

/**
 * Validates a whole origin list with {@link checkOrigin}, then the list rules: `'*'` stands alone.
 * Returns the rules (duplicates after normalisation dropped, first kept) and every problem.
 * An empty list is left to the caller, which knows how to phrase the fix.
 */
export function checkOrigins(entries: readonly unknown[]): { rules: OriginRule[]; problems: OriginListProblem[] } {
  const rules: OriginRule[] = [];
  const problems: OriginListProblem[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const checked = checkOrigin(entry);
    if (!checked.ok) {
      problems.push({ index, message: checked.message, fix: checked.fix });
      return;
    }
    if (checked.rule.kind === 'any' && entries.length > 1) {
      problems.push({ index, message: "'*' allows every origin, so it cannot be combined with other entries.", fix: "keep '*' alone for a public resource, or remove it and list the origins." });
      return;
    }
    if (seen.has(checked.rule.text)) return;
    seen.add(checked.rule.text);
    rules.push(checked.rule);
  });
  return { rules, problems };
}

/**
 * True when `origin` is exactly a serialised origin covered by `pattern`: same scheme and port, one
 * or more lower-case DNS labels before the domain. Compares strings, builds no RegExp.
 */
export function matchesPattern(pattern: OriginPattern, origin: string): boolean {
  const { prefix, suffix } = pattern;
  if (origin.length <= prefix.length + suffix.length || origin.length > MAX_ORIGIN_LENGTH) return false;
  if (!origin.startsWith(prefix) || !origin.endsWith(suffix)) return false;
  return LABELS.test(origin.slice(prefix.length, origin.length - suffix.length));
}

/** True when `value` could be one origin as a browser sends it: not empty, no comma or whitespace, not absurdly long. */
export function isSingleOriginValue(value: string): boolean {
  return value.length > 0 && value.length <= MAX_ORIGIN_LENGTH && !/[\s,]/.test(value);
}

function refuse(message: string, fix: string): OriginCheck {
  return { ok: false, message, fix };
}

function withoutScheme(entry: string): OriginCheck {
  if (entry.toLowerCase() === 'null') return refuse(`${show(entry)} is not an origin.`, "write 'null' in lower case, as browsers send it.");
  const guess = `https://${entry.replace(/\/+$/, '')}`;
  const usable = entry.startsWith('*.') || checkOrigin(guess).ok;
  return refuse(`${show(entry)} has no scheme; an origin starts with https:// or http://.`, usable ? `write ${JSON.stringify(guess)}.` : EXAMPLE);
}

function extraParts(entry: string, origin: string, first: string): OriginCheck {
  const what = entry.slice(origin.length) === '/' ? 'a trailing "/"' : first === '/' ? 'a path' : first === '?' ? 'a query' : 'a fragment';
  const fix = checkOrigin(origin).ok ? `write ${JSON.stringify(origin)}.` : EXAMPLE;
  return refuse(`${show(entry)} has ${what}; an origin is scheme://host[:port] only.`, fix);
}

function checkExact(entry: string, candidate: string): OriginCheck {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return refuse(`${show(entry)} is not a valid origin (scheme://host[:port]).`, EXAMPLE);
  }
  if (url.hostname === '') return refuse(`${show(entry)} has no host.`, EXAMPLE);
  return { ok: true, rule: { kind: 'exact', text: url.origin } };
}

function checkPattern(entry: string, scheme: string, authority: string): OriginCheck {
  const fix = "write the wildcard as the whole first label, e.g. 'https://*.example.com'.";
  if (authority === '*' || authority.startsWith('*:')) {
    return refuse(`${show(entry)} has no domain after '*'.`, `${fix} For any origin, write '*' alone (without credentials).`);
  }
  if (!authority.startsWith('*.') || authority.indexOf('*', 1) !== -1) {
    return refuse(`${show(entry)} has a wildcard that is not the whole first label.`, `${fix} Only one leading '*.' is allowed.`);
  }
  const base = checkExact(entry, `${scheme}://${authority.slice(2)}`);
  if (!base.ok) return base;
  const url = new URL(base.rule.text);
  const host = url.hostname;
  if (host.startsWith('[') || /^[0-9.]+$/.test(host) || !LABELS.test(host)) {
    return refuse(`${show(entry)}: the part after '*.' is not a domain name.`, fix);
  }
  if (!host.includes('.') && host !== 'localhost') {
    return refuse(`${show(entry)} would allow every site under the top-level domain ".${host}".`, "name your own domain: 'https://*.example.com'.");
  }
  const suffix = `.${host}${url.port === '' ? '' : `:${url.port}`}`;
  const prefix = `${url.protocol}//`;
  return { ok: true, rule: { kind: 'pattern', text: `${prefix}*${suffix}`, prefix, suffix } };
}
