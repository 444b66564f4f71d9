/** URL parsing that never throws, for the scan's many URLs that come from a hostile site. */

/**
 * `text` parsed as a URL (resolved against `base` when given, as the WHATWG URL parser does), or
 * `undefined` when it is not one.
 * @example parseUrl('/a.js', 'https://example.com/x/')?.href // 'https://example.com/a.js'
 */
export function parseUrl(text: string, base?: string | URL): URL | undefined {
  try {
    return new URL(text, base);
  } catch {
    return undefined;
  }
}
