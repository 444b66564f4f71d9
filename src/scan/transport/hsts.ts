/** Why a Strict-Transport-Security value is invalid (`fatal`), or what a browser quietly skips. */
export interface HstsProblem {
  /**
   * `syntax`, `missing-max-age`, `bad-max-age`, `duplicate`, `valued-flag` (includeSubDomains with a
   * value): the header is invalid and ignored as a whole. `several-fields`, `unknown-directive`,
   * `preload-value`: only noted.
   */
  readonly code: 'syntax' | 'missing-max-age' | 'bad-max-age' | 'duplicate' | 'valued-flag' | 'several-fields' | 'unknown-directive' | 'preload-value';
  /** True when a browser ignores the whole header because of it. */
  readonly fatal: boolean;
  /** What was wrong, in one line. */
  readonly message: string;
}

/** A Strict-Transport-Security header as a browser would read it. */
export interface ParsedHsts {
  /** The value that was read: the first header field (empty when there was none). */
  readonly value: string;
  /** False when a browser ignores the header (no field, or a fatal problem). */
  readonly valid: boolean;
  /** Seconds; `undefined` when the header is not valid. */
  readonly maxAge: number | undefined;
  /** False when the header is not valid. */
  readonly includeSubDomains: boolean;
  /** The non-standard `preload` directive (hstspreload.org); false when the header is not valid. */
  readonly preload: boolean;
  /** Every problem found, fatal or not, in the order found. */
  readonly problems: readonly HstsProblem[];
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const OWS = /[ \t]/;
const DIGITS = /^[0-9]+$/;

/**
 * Parses Strict-Transport-Security header field values per RFC 6797 §6.1 and §8.1: directives
 * separated by `;` (empty ones allowed), case-insensitive names, token or quoted-string values,
 * `max-age` required with digits only, every directive at most once (a duplicate invalidates the
 * header), unknown directives ignored. With several header fields only the first is processed, and
 * that is noted. A comma (several fields joined by a proxy) is a syntax error, as in browsers.
 * @param values every Strict-Transport-Security field value of one response, in order
 * @see https://www.rfc-editor.org/rfc/rfc6797#section-6.1
 * @example parseHsts(['max-age=63072000; includeSubDomains; preload']).maxAge // 63072000
 */
export function parseHsts(values: readonly string[]): ParsedHsts {
  const problems: HstsProblem[] = [];
  const value = values[0] ?? '';
  if (values.length > 1) {
    problems.push({ code: 'several-fields', fatal: false, message: `${values.length} header fields; only the first is processed` });
  }
  const directives = values.length > 0 ? readDirectives(value, problems) : undefined;
  let maxAge: number | undefined;
  let includeSubDomains = false;
  let preload = false;
  if (directives) {
    for (const [name, directive] of directives) {
      if (name === 'max-age') {
        if (directive.value !== undefined && DIGITS.test(directive.value)) maxAge = Number(directive.value);
        else problems.push({ code: 'bad-max-age', fatal: true, message: `${directive.raw}: max-age takes digits only` });
      } else if (name === 'includesubdomains') {
        if (directive.value === undefined) includeSubDomains = true;
        else problems.push({ code: 'valued-flag', fatal: true, message: `${directive.raw}: includeSubDomains takes no value` });
      } else if (name === 'preload') {
        if (directive.value === undefined) preload = true;
        else problems.push({ code: 'preload-value', fatal: false, message: `${directive.raw}: preload takes no value, so it does not count` });
      } else {
        problems.push({ code: 'unknown-directive', fatal: false, message: `${directive.raw}: unknown directive, ignored` });
      }
    }
    if (!directives.has('max-age')) problems.push({ code: 'missing-max-age', fatal: true, message: 'no max-age directive' });
  }
  const valid = values.length > 0 && !problems.some((problem) => problem.fatal);
  return valid
    ? { value, valid, maxAge, includeSubDomains, preload, problems }
    : { value, valid, maxAge: undefined, includeSubDomains: false, preload: false, problems };
}

interface Directive {
  /** The directive as written, for evidence. */
  readonly raw: string;
  /** Unquoted value; `undefined` when there is no `=`. */
  readonly value: string | undefined;
}

/** Splits a value into directives keyed by lower-case name, or `undefined` on a fatal problem (recorded). */
function readDirectives(value: string, problems: HstsProblem[]): Map<string, Directive> | undefined {
  const directives = new Map<string, Directive>();
  let at = 0;
  const skipSpace = (): void => {
    while (at < value.length && OWS.test(value.charAt(at))) at++;
  };
  const token = (): string => {
    const start = at;
    while (at < value.length && TCHAR.test(value.charAt(at))) at++;
    return value.slice(start, at);
  };
  const fail = (message: string): undefined => {
    problems.push({ code: 'syntax', fatal: true, message });
    return undefined;
  };
  while (at <= value.length) {
    skipSpace();
    if (at === value.length) break;
    if (value.charAt(at) === ';') {
      at++;
      continue;
    }
    const start = at;
    const name = token();
    if (name === '') return fail(unexpected(value, at));
    skipSpace();
    let directiveValue: string | undefined;
    if (value.charAt(at) === '=') {
      at++;
      skipSpace();
      if (value.charAt(at) === '"') {
        const quoted = readQuoted(value, at);
        if (!quoted) return fail(`unterminated quoted-string after ${name}=`);
        directiveValue = quoted.text;
        at = quoted.end;
      } else {
        directiveValue = token();
        if (directiveValue === '') return fail(`${name}= has no value`);
      }
      skipSpace();
    }
    if (at < value.length && value.charAt(at) !== ';') return fail(unexpected(value, at));
    const raw = value.slice(start, at).trim();
    const key = name.toLowerCase();
    if (directives.has(key)) {
      problems.push({ code: 'duplicate', fatal: true, message: `${name} appears more than once` });
      return undefined;
    }
    directives.set(key, { raw, value: directiveValue });
  }
  return directives;
}

/** Reads a quoted-string starting at the opening quote: its unescaped text and the index after it. */
function readQuoted(value: string, open: number): { text: string; end: number } | undefined {
  let text = '';
  for (let at = open + 1; at < value.length; at++) {
    const char = value.charAt(at);
    if (char === '"') return { text, end: at + 1 };
    if (char === '\\') {
      at++;
      if (at === value.length) return undefined;
      text += value.charAt(at);
    } else text += char;
  }
  return undefined;
}

function unexpected(value: string, at: number): string {
  const char = value.charAt(at);
  const hint = char === ',' ? ' (several header fields joined with a comma?)' : '';
  return `unexpected ${JSON.stringify(char)} at position ${at}${hint}`;
}
