/** Small helpers over a header list as received: `[name, value]` pairs, names in any case, repeats kept. */

/** A response header as received. */
export type ReceivedHeader = readonly [name: string, value: string];

/** The values of every `name` header (case-insensitive), in the order received. */
export function valuesOf(headers: readonly ReceivedHeader[], name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter(([key]) => key.toLowerCase() === wanted).map(([, value]) => value.trim());
}

/**
 * The evidence for a header: `Name: value`, or each line joined by ` | ` when it came several
 * times.
 */
export function shown(name: string, values: readonly string[]): string {
  return values.map((value) => `${name}: ${value}`).join(' | ');
}

/** The comma-separated list members of the combined values (RFC 9110 §5.3), trimmed, empty ones dropped. */
export function listMembers(values: readonly string[]): string[] {
  return values
    .join(',')
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
}
