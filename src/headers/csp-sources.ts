import { SANDBOX_TOKENS, SOURCE_KEYWORDS } from './csp-directives.js';

/**
 * Checks one value of a CSP source list. Returns `undefined` when valid, else `[message, fix]`.
 * Rejects what makes a policy silently wrong: unquoted keywords (`self` means a host named "self"),
 * characters that end or split the policy (`;` `,` whitespace), static nonces, and malformed hosts.
 */
export function checkSource(value: unknown): [string, string] | undefined {
  if (typeof value !== 'string') return [`${typeof value} is not a CSP source.`, 'write each source as a string.'];
  if (value === '') return ['an empty source.', 'remove the empty string.'];
  const breaking = /[;,\s]/.exec(value);
  if (breaking) {
    const name = breaking[0] === ';' ? '";"' : breaking[0] === ',' ? '","' : 'whitespace';
    return [
      `${JSON.stringify(value)} contains ${name}, which would end or split the policy.`,
      'give each source as its own array item, with no ";", "," or whitespace.',
    ];
  }
  const lower = value.toLowerCase();
  if (SOURCE_KEYWORDS.has(lower)) {
    return [`${JSON.stringify(value)} is a keyword and must be quoted, or browsers read it as a host name.`, `write "'${lower}'".`];
  }
  if (lower.startsWith("'")) return checkQuoted(value, lower);
  if (lower === '*') return undefined;
  if (SCHEME_SOURCE.test(lower) || HOST_SOURCE.test(lower)) return undefined;
  return [`${JSON.stringify(value)} is not a CSP source (a quoted keyword, a scheme like "https:", or a host like "https://cdn.example.com").`, 'fix the spelling of this source.'];
}

const SCHEME_SOURCE = /^[a-z][a-z0-9+.-]*:$/;
const HOST_SOURCE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*|(?:\*\.)?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])(?::(?:\d{1,5}|\*))?(?:\/[^\s;,]*)?$/;
const HASH_SOURCE = /^'(?:sha256|sha384|sha512)-[A-Za-z0-9+/_-]+={0,2}'$/;

function checkQuoted(value: string, lower: string): [string, string] | undefined {
  if (!lower.endsWith("'") || lower.length < 3) return [`${JSON.stringify(value)} has an unbalanced quote.`, "close the quote: write \"'self'\"."];
  const inner = lower.slice(1, -1);
  if (SOURCE_KEYWORDS.has(inner)) return undefined;
  if (inner.startsWith('nonce-')) {
    return [
      `${JSON.stringify(value)} is a fixed nonce; a nonce that never changes protects nothing.`,
      'remove it; Aegis inserts a fresh nonce per request (option nonce.scripts / nonce.styles).',
    ];
  }
  if (HASH_SOURCE.test(value)) return undefined;
  return [`${JSON.stringify(value)} is not a CSP keyword or hash.`, "use a keyword such as 'self', 'none', 'strict-dynamic', or a hash such as 'sha256-…'."];
}

/** Checks the values of a token directive (`sandbox`, `trusted-types`, `require-trusted-types-for`). */
export function checkToken(directive: string, value: unknown): [string, string] | undefined {
  if (typeof value !== 'string' || value === '' || /[;,\s]/.test(value)) {
    return [`${JSON.stringify(value)} is not a valid ${directive} token.`, 'give each token as its own string, with no ";", "," or whitespace.'];
  }
  if (directive === 'sandbox' && !SANDBOX_TOKENS.has(value)) {
    return [`${JSON.stringify(value)} is not a sandbox flag.`, `use flags such as ${[...SANDBOX_TOKENS].slice(0, 4).join(', ')}.`];
  }
  if (directive === 'require-trusted-types-for' && value !== "'script'") {
    return [`${JSON.stringify(value)} is not allowed here.`, `write "'script'" (quoted), the only value CSP defines.`];
  }
  return undefined;
}
