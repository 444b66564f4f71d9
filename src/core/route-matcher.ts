import type { Problems} from './config-error.js';
import { show } from './config-error.js';

/**
 * Path patterns for per-route rules:
 * - `/health` — that path (a trailing slash is ignored);
 * - `/users/:id` — `:name` matches one segment;
 * - `/api/*` — `/api` and everything below it.
 * Matching ignores case and a trailing slash (as Express does by default) and also decodes
 * percent-encoding, so that a rule cannot be dodged by writing `/API/` or `/%61pi`.
 */
export interface RouteMatcher<T> {
  match(method: string, path: string): T | undefined;
}

interface Entry<T> {
  methods: ReadonlySet<string> | undefined;
  test: RegExp | string;
  value: T;
}

const METHOD = /^[A-Z]+$/;

/** Compiles patterns in order; the first matching rule wins. */
export function compileRouteMatcher<T>(
  rules: ReadonlyArray<{ path: unknown; method?: unknown; value: T }>,
  problems: Problems,
  path: string,
): RouteMatcher<T> | undefined {
  const entries: Entry<T>[] = [];
  rules.forEach((rule, index) => {
    const test = compilePattern(rule.path, problems, `${path}[${index}].path`);
    const methods = readMethods(rule.method, problems, `${path}[${index}].method`);
    if (test !== undefined) entries.push({ test, methods, value: rule.value });
  });
  if (entries.length === 0) return undefined;
  return {
    match(method, rawPath) {
      const target = normalisePath(rawPath);
      for (const entry of entries) {
        if (entry.methods && !entry.methods.has(method)) continue;
        if (typeof entry.test === 'string' ? entry.test === target : entry.test.test(target)) return entry.value;
      }
      return undefined;
    },
  };
}

function compilePattern(raw: unknown, problems: Problems, path: string): RegExp | string | undefined {
  if (typeof raw !== 'string' || !raw.startsWith('/') || /[\s?#]/.test(raw)) {
    problems.add(path, `${show(raw)} is not a path pattern.`, "write a path starting with '/', e.g. '/upload', '/users/:id' or '/api/*'.");
    return undefined;
  }
  const segments = raw.split('/').slice(1);
  const wildcard = segments[segments.length - 1] === '*';
  if (wildcard) segments.pop();
  if (segments.some((s) => s.includes('*'))) {
    problems.add(path, `${JSON.stringify(raw)} has '*' before the end.`, "put '*' only as the last segment: '/api/*'.");
    return undefined;
  }
  if (!wildcard && !segments.some((s) => s.startsWith(':'))) return normalisePath(raw);
  const body = segments
    .filter((s, i) => s !== '' || i < segments.length - 1)
    .map((s) => (s.startsWith(':') ? '/[^/]+' : `/${escape(s.toLowerCase())}`))
    .join('');
  return new RegExp(`^${body}${wildcard ? '(?:/.*)?' : ''}$`);
}

function readMethods(raw: unknown, problems: Problems, path: string): ReadonlySet<string> | undefined {
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const methods = list.map((m) => (typeof m === 'string' ? m.toUpperCase() : ''));
  if (methods.length === 0 || methods.some((m) => !METHOD.test(m))) {
    problems.add(path, `${show(raw)} is not a method or list of methods.`, "write 'POST' or ['PUT', 'PATCH'].");
    return undefined;
  }
  return new Set(methods);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lower-case, percent-decoded, without a trailing slash (except for `/`). @internal */
export function normalisePath(path: string): string {
  let result = path;
  if (result.includes('%')) {
    try {
      result = decodeURIComponent(result);
    } catch {
      // Malformed escapes are matched as written; the application will reject them.
    }
  }
  result = result.toLowerCase();
  return result.length > 1 && result.endsWith('/') ? result.slice(0, -1) : result;
}
