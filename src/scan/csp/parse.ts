import {
  FLAG_DIRECTIVES,
  REPORTING_DIRECTIVES,
  RETIRED_DIRECTIVES,
  SOURCE_DIRECTIVES,
  SOURCE_KEYWORDS,
  TOKEN_DIRECTIVES,
} from '../../headers/csp-directives.js';
import { finding } from '../finding.js';
import { CSP_FINDINGS, aegisOption, type CspFinding } from './findings.js';

/** How a policy reached the page: a response header or a `<meta http-equiv>` element. */
export type CspDelivery = 'header' | 'meta';

/** One parsed policy: directive name (lower case) → values, in order, and what the parser noticed. */
export interface ParsedCspPolicy {
  /** First occurrence of each directive; values as split on ASCII whitespace (case kept). */
  readonly directives: ReadonlyMap<string, readonly string[]>;
  /** Syntax findings: empty policy, duplicates, unknown directives, invalid characters… */
  readonly findings: readonly CspFinding[];
}

const SOURCE_LISTS: ReadonlySet<string> = new Set(SOURCE_DIRECTIVES);
const FLAGS: ReadonlySet<string> = new Set(FLAG_DIRECTIVES);
/** Directives whose empty value is an error (`sandbox` and `trusted-types` may be empty). */
const NEEDS_VALUE: ReadonlySet<string> = new Set([...SOURCE_DIRECTIVES, 'require-trusted-types-for', ...REPORTING_DIRECTIVES]);
/** CSP3 directives Aegis does not render but browsers know. */
const OTHER_KNOWN = ['webrtc'];
const KNOWN: ReadonlySet<string> = new Set([...SOURCE_DIRECTIVES, ...TOKEN_DIRECTIVES, ...FLAG_DIRECTIVES, ...REPORTING_DIRECTIVES, ...OTHER_KNOWN]);

/** ASCII whitespace as the Infra standard defines it: TAB, LF, FF, CR, SPACE. */
const ASCII_WHITESPACE = /[\t\n\f\r ]+/;
const TRIM = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;
const DIRECTIVE_NAME = /^[a-z0-9-]+$/;
/** directive-value characters: visible ASCII except `;` and `,` (CSP3 §2.2). */
const VALUE_TOKEN = /^[\x21-\x2b\x2d-\x3a\x3c-\x7e]+$/;
const UNQUOTED_KEYWORD = /^(?:nonce-|sha(?:256|384|512)-)/i;
/** A value in single quotes: a keyword, nonce or hash. */
const QUOTED = /^'.*'$/;

/**
 * Parses one serialized policy with the CSP3 algorithm: split on `;`, trim ASCII whitespace,
 * lower-case the directive name, keep the first occurrence of each directive, split the value on
 * ASCII whitespace. What browsers ignore or warn about is reported as syntax findings.
 * @see https://www.w3.org/TR/CSP3/#parse-serialized-policy
 * @example parseSerializedCsp("script-src 'self'; object-src 'none'").directives.get('script-src') // ["'self'"]
 */
export function parseSerializedCsp(serialized: string): ParsedCspPolicy {
  const directives = new Map<string, string[]>();
  const findings: CspFinding[] = [];
  for (const piece of serialized.split(';')) {
    const token = piece.replace(TRIM, '');
    if (token === '') continue;
    const [rawName = '', ...values] = token.split(ASCII_WHITESPACE);
    const name = rawName.replace(/[A-Z]+/g, (s) => s.toLowerCase());
    if (!DIRECTIVE_NAME.test(name)) {
      findings.push(finding(CSP_FINDINGS.invalidCharacters, token, `rename "${rawName}": directive names are ASCII letters, digits and "-".`));
      continue;
    }
    if (directives.has(name)) {
      findings.push(finding(CSP_FINDINGS.duplicateDirective, token, `merge these values into the first ${name}; browsers ignore every later one.`));
      continue;
    }
    directives.set(name, values);
    findings.push(...checkDirective(name, values));
  }
  if (directives.size === 0) {
    findings.push(finding(CSP_FINDINGS.emptyPolicy, JSON.stringify(serialized), 'write at least default-src, script-src, object-src and base-uri, or remove the header.'));
  }
  return { directives, findings };
}

/**
 * Parses a `Content-Security-Policy` header value, which may carry several policies separated by
 * `,` (each is enforced on its own, so the effective policy is their intersection), or a `<meta>`
 * element's `content`, which is always one policy. Empty policies after a `,` are dropped, as
 * browsers do, unless nothing else is left.
 * @see https://www.w3.org/TR/CSP3/#parse-response-csp
 */
export function parseCsp(value: string, delivery: CspDelivery = 'header'): ParsedCspPolicy[] {
  if (delivery === 'meta') return [parseSerializedCsp(value)];
  const policies = value.split(',').map(parseSerializedCsp);
  const nonEmpty = policies.filter((policy) => policy.directives.size > 0 || policy.findings.some((f) => f.id !== CSP_FINDINGS.emptyPolicy.id));
  return nonEmpty.length > 0 ? nonEmpty : policies.slice(0, 1);
}

function checkDirective(name: string, values: readonly string[]): CspFinding[] {
  const findings: CspFinding[] = [];
  const seen = `${name}${values.length ? ` ${values.join(' ')}` : ''}`;
  const retired = RETIRED_DIRECTIVES[name];
  if (retired) findings.push(finding(CSP_FINDINGS.retiredDirective, seen, retired));
  else if (!KNOWN.has(name)) findings.push(finding(CSP_FINDINGS.unknownDirective, seen, `remove "${name}" or correct its spelling; browsers ignore it.`));
  if (values.length === 0 && NEEDS_VALUE.has(name)) {
    const fix = SOURCE_LISTS.has(name) ? `write ${name} 'none' if nothing is allowed, or list the sources (${aegisOption(name)}).` : `give ${name} a value, or remove it.`;
    findings.push(finding(CSP_FINDINGS.emptyValue, name, fix));
  }
  if (values.length > 0 && FLAGS.has(name)) findings.push(finding(CSP_FINDINGS.flagWithValue, seen, `write ${name} alone; browsers ignore its value.`));
  for (const value of values) {
    if (!VALUE_TOKEN.test(value)) {
      findings.push(finding(CSP_FINDINGS.invalidCharacters, `${name} ${value}`, 'use only visible ASCII characters other than "," and ";" in values; browsers drop this one.'));
    } else if (SOURCE_LISTS.has(name) && (SOURCE_KEYWORDS.has(value.toLowerCase()) || UNQUOTED_KEYWORD.test(value))) {
      findings.push(finding(CSP_FINDINGS.unquotedKeyword, `${name} ${value}`, `write '${value}' in single quotes; unquoted, it is read as a host name.`));
    } else if (SOURCE_LISTS.has(name) && KNOWN.has(value.toLowerCase()) && !value.includes('.')) {
      findings.push(finding(CSP_FINDINGS.missingSemicolon, `${name} … ${value}`, `end ${name} with ";" before ${value}: as written, "${value}" and what follows are sources of ${name}, and ${value} is not set.`));
    } else if (SOURCE_LISTS.has(name) && QUOTED.test(value) && !SOURCE_KEYWORDS.has(value.slice(1, -1).toLowerCase()) && !UNQUOTED_KEYWORD.test(value.slice(1, -1))) {
      findings.push(finding(CSP_FINDINGS.unknownKeyword, `${name} ${value}`, `correct the spelling or remove it: browsers ignore ${value} (known: 'self', 'none', 'unsafe-inline', 'strict-dynamic', nonces and hashes…).`));
    }
  }
  return findings;
}
