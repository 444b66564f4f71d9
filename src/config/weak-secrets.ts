/**
 * Placeholder secrets seen in tutorials, templates and `.env.example` files. This module is the
 * only copy of the list: it is plain data compiled by tsc into both builds (dist/esm and dist/cjs),
 * so no build step copies a `.json` file and nothing reads the file system at run time.
 * Add entries in lower case, in any order.
 */
const PLACEHOLDERS: readonly string[] = [
  'changeme', 'change-me', 'change_me', 'change me', 'changethis', 'change-this',
  'secret', 'secret-key', 'secret_key', 'secretkey', 'mysecret', 'my-secret', 'yoursecret', 'your-secret',
  'your_secret_here', 'your-secret-here', 'yoursecrethere', 'your_secret_key', 'your-secret-key',
  'supersecret', 'super-secret', 'super_secret', 'topsecret', 'top-secret', 's3cr3t', 'shhhhh', 'shhh',
  'dev-secret-key', 'dev-secret', 'development', 'production', 'staging', 'local',
  'password', 'passw0rd', 'p@ssw0rd', 'pass', '123456', '12345678', '123456789', '1234567890', 'qwerty',
  'admin', 'root', 'letmein', 'default', 'test', 'testing', 'example', 'sample', 'demo', 'dummy', 'foo', 'bar',
  'foobar', 'xxx', 'xxxx', 'todo', 'fixme', 'tbd', 'null', 'undefined', 'none', 'empty', 'insecure',
  'keyboard cat', 'keyboard-cat', 'jwt-secret', 'jwt_secret', 'jwtsecret', 'session-secret', 'session_secret',
  'cookie-secret', 'cookie_secret', 'api-key', 'api_key', 'apikey', 'django-insecure', 'notasecret', 'not-a-secret',
];

const PLACEHOLDER_SET: ReadonlySet<string> = new Set(PLACEHOLDERS);

/** Known placeholder secrets (lower case). @internal */
export const WEAK_SECRETS: readonly string[] = Object.freeze([...PLACEHOLDERS]);

/**
 * True when `value` is a known placeholder: one of {@link WEAK_SECRETS} (trimmed, any case), a
 * Django development key (`django-insecure-…`), or a value with "change" and "me" (or "changeme")
 * among its words, such as `PLEASE_CHANGE_ME` or `change-me-in-production`.
 * @internal
 */
export function isPlaceholderSecret(value: string): boolean {
  const normal = value.trim().toLowerCase();
  if (PLACEHOLDER_SET.has(normal) || normal.startsWith('django-insecure-')) return true;
  const words = normal.split(/[^a-z0-9]+/);
  return words.includes('changeme') || (words.includes('change') && words.includes('me'));
}
