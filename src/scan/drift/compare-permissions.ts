import { parseDictionary, type StructuredItem } from '../headers/structured-dictionary.js';

/** One feature's allowlist: its comparable form (`key`) and how it was written (`text`). */
interface Allowlist {
  readonly key: string;
  readonly text: string;
}

/** An origin as browsers compare it (lower-case scheme and host, default port dropped); else as written. */
function origin(value: string): string {
  try {
    const url = new URL(value);
    return url.origin === 'null' ? value : url.origin;
  } catch {
    return value;
  }
}

function written(item: StructuredItem): string {
  return item.type === 'string' ? JSON.stringify(item.value) : item.value;
}

/** Feature → allowlist (the last of a repeated feature wins, as in browsers), or the syntax error. */
function features(value: string): Map<string, Allowlist> | string {
  const parsed = parseDictionary(value);
  if (!parsed.ok) return parsed.error;
  const result = new Map<string, Allowlist>();
  for (const [feature, member] of parsed.members) {
    // A single item is an allowlist of one: `camera=self` is `camera=(self)`.
    const items = member.list ? member.items : [member.item];
    const keys = new Set(items.map((item) => (item.type === 'string' ? `"${origin(item.value)}"` : item.value)));
    result.delete(feature);
    result.set(feature, { key: [...keys].sort().join(' '), text: `(${items.map(written).join(' ')})` });
  }
  return result;
}

/**
 * How a served Permissions-Policy differs from the expected one, feature by feature: the order of
 * features and of allowlist members does not matter, `feature=self` equals `feature=(self)`, and
 * origins are compared as origins (`"https://Maps.example:443"` equals `"https://maps.example"`).
 * Tokens (`self`, `src`, `*`) and feature names are case-sensitive (RFC 8941). A served value that
 * does not parse is ignored by browsers: one difference, naming the error.
 * @param expected the policy's value
 * @param served every value the site sent, in order (joined with `, `, as browsers do)
 * @returns one phrase per difference (`camera: expected (), served (self)`); empty when equivalent
 * @see https://w3c.github.io/webappsec-permissions-policy/#algo-parse-policy-directive
 * @example permissionsDifferences('camera=(), geolocation=(self)', ['geolocation=self, camera=()']) // []
 */
export function permissionsDifferences(expected: string, served: readonly string[]): string[] {
  const want = features(expected);
  const got = features(served.join(', '));
  if (typeof got === 'string') return [`served value does not parse (${got}), so browsers ignore it`];
  if (typeof want === 'string') return [`expected value does not parse (${want})`];
  const differences: string[] = [];
  for (const [feature, allowlist] of want) {
    const seen = got.get(feature);
    if (!seen) differences.push(`${feature}: served lacks the feature`);
    else if (seen.key !== allowlist.key) differences.push(`${feature}: expected ${allowlist.text}, served ${seen.text}`);
  }
  for (const feature of got.keys()) if (!want.has(feature)) differences.push(`${feature}: served adds the feature`);
  return differences;
}
