import type { Problems } from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { readDuration } from '../core/read-option.js';

/**
 * Readers for the list and number options of `cors`: each reports its problems with a path and a
 * fix and returns a usable value so that validation goes on.
 * @internal
 */

/** An HTTP token (RFC 9110 §5.6.2): the syntax of method and header names. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const DEFAULT_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
export const DEFAULT_ALLOWED_HEADERS: readonly string[] = Object.freeze(['content-type', 'x-csrf-token']);
export const DEFAULT_MAX_AGE_MS = 600_000;
/** Firefox's cap; Chromium caps at 2 hours. */
const MAX_MAX_AGE_MS = 86_400_000;
/** Methods browsers never let a page send (Fetch "forbidden method"). */
const FORBIDDEN_METHODS = ['CONNECT', 'TRACE', 'TRACK'];
/** Response headers browsers never expose to scripts (Fetch "forbidden response-header name"). */
const UNEXPOSABLE = ['set-cookie', 'set-cookie2'];

/** Upper-cased, de-duplicated method names; refuses `'*'`, non-tokens, forbidden methods and an empty list. */
export function readMethods(raw: unknown, problems: Problems, path: string): readonly string[] {
  if (raw === undefined) return DEFAULT_METHODS;
  if (!Array.isArray(raw)) {
    problems.add(path, `expected an array of methods, got ${show(raw)}.`, "write methods: ['GET', 'POST'].");
    return DEFAULT_METHODS;
  }
  if (raw.length === 0) problems.add(path, 'is empty: no cross-origin request would pass a preflight.', "list the methods, e.g. methods: ['GET', 'POST'], or leave the option out for the default.");
  const methods = new Set<string>();
  raw.forEach((entry: unknown, i) => {
    const at = `${path}[${i}]`;
    if (entry === '*') {
      problems.add(at, "'*' would allow every method.", "list the methods, e.g. methods: ['GET', 'POST', 'DELETE'].");
    } else if (typeof entry !== 'string' || !TOKEN.test(entry)) {
      problems.add(at, `${show(entry)} is not a method name.`, "write a method such as 'POST'.");
    } else if (FORBIDDEN_METHODS.includes(entry.toUpperCase())) {
      problems.add(at, `${show(entry)} is a method browsers never send from a page.`, 'remove it.');
    } else {
      methods.add(entry.toUpperCase());
    }
  });
  return Object.freeze([...methods]);
}

/** How {@link readHeaderNames} treats `'*'` and which names it refuses. */
interface HeaderListRules {
  readonly fallback: readonly string[];
  readonly credentials: boolean;
  readonly example: string;
  /** Names refused in this list, lower-case, with the reason. */
  readonly refused?: readonly string[];
}

/**
 * Lower-cased, de-duplicated header names. `'*'` is kept (it is a wildcard in Fetch) but refused
 * with credentials, where browsers read it as a header literally named `*`.
 */
export function readHeaderNames(raw: unknown, rules: HeaderListRules, problems: Problems, path: string): readonly string[] {
  if (raw === undefined) return rules.fallback;
  const option = path.split('.').pop() ?? path;
  if (!Array.isArray(raw)) {
    problems.add(path, `expected an array of header names, got ${show(raw)}.`, `write ${option}: ${rules.example}.`);
    return rules.fallback;
  }
  const names = new Set<string>();
  raw.forEach((entry: unknown, i) => {
    const at = `${path}[${i}]`;
    const name = typeof entry === 'string' && TOKEN.test(entry) ? entry.toLowerCase() : undefined;
    if (name === undefined) {
      problems.add(at, `${show(entry)} is not a header name.`, "write a header name such as 'x-request-id'.");
    } else if (name === '*' && rules.credentials) {
      problems.add(at, "'*' is not a wildcard on credentialed requests: browsers read it as a header named \"*\".", `list the header names, e.g. ${option}: ${rules.example}.`);
    } else if (rules.refused?.includes(name)) {
      problems.add(at, `${show(entry)} is never exposed to scripts by browsers.`, 'remove it.');
    } else {
      names.add(name);
    }
  });
  return Object.freeze([...names]);
}

export function readAllowedHeaders(raw: unknown, credentials: boolean, problems: Problems, path: string): readonly string[] {
  return readHeaderNames(raw, { fallback: DEFAULT_ALLOWED_HEADERS, credentials, example: "['content-type', 'x-csrf-token']" }, problems, path);
}

export function readExposedHeaders(raw: unknown, credentials: boolean, problems: Problems, path: string): readonly string[] {
  return readHeaderNames(raw, { fallback: Object.freeze([]), credentials, example: "['x-request-id']", refused: UNEXPOSABLE }, problems, path);
}

/** `maxAge` in whole seconds: a duration up to 24 hours; 1–999 ms is refused (it would round to 0 s). */
export function readMaxAge(raw: unknown, problems: Problems, path: string): number {
  const before = problems.count;
  const ms = readDuration(raw, DEFAULT_MAX_AGE_MS, problems, path);
  if (problems.count > before) return DEFAULT_MAX_AGE_MS / 1000;
  if (ms > MAX_MAX_AGE_MS) {
    problems.add(path, `${show(raw)} is more than 24 hours; browsers cap the preflight cache (Firefox at 24 h, Chromium at 2 h).`, "write maxAge: '2h' or less.");
    return DEFAULT_MAX_AGE_MS / 1000;
  }
  if (ms > 0 && ms < 1000) {
    problems.add(path, `${show(raw)} is less than a second and would be sent as 0 seconds; maxAge is in milliseconds, not seconds.`, `write maxAge: '${ms}s' if you meant seconds, or '10m'.`);
    return DEFAULT_MAX_AGE_MS / 1000;
  }
  return Math.floor(ms / 1000);
}
