/**
 * One hop of an RFC 7239 `Forwarded` header: `for=192.0.2.60;proto=https;host=example.com`.
 * Values are unquoted; unknown parameters are ignored.
 */
export interface ForwardedHop {
  readonly for?: string;
  readonly proto?: string;
  readonly host?: string;
}

/**
 * Parses a `Forwarded` header value into hops, left (farthest) to right (nearest).
 * Returns `undefined` when the value is malformed: a broken header is not evidence of anything.
 * @see https://www.rfc-editor.org/rfc/rfc7239#section-4
 */
export function parseForwarded(value: string): ForwardedHop[] | undefined {
  const hops: ForwardedHop[] = [];
  let hop: Record<string, string> = {};
  let i = 0;
  const length = value.length;
  while (i <= length) {
    while (i < length && (value[i] === ' ' || value[i] === '\t')) i++;
    const eq = value.indexOf('=', i);
    if (eq === -1) return undefined;
    const name = value.slice(i, eq).trim().toLowerCase();
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return undefined;
    i = eq + 1;
    let parameterValue: string;
    if (value[i] === '"') {
      let text = '';
      i++;
      while (i < length && value[i] !== '"') {
        if (value[i] === '\\') i++;
        text += value[i] ?? '';
        i++;
      }
      if (value[i] !== '"') return undefined;
      i++;
      parameterValue = text;
    } else {
      const start = i;
      while (i < length && value[i] !== ';' && value[i] !== ',') i++;
      parameterValue = value.slice(start, i).trim();
    }
    if (name in hop) return undefined; // a parameter may appear once per hop
    hop[name] = parameterValue;
    while (i < length && (value[i] === ' ' || value[i] === '\t')) i++;
    if (i >= length) {
      hops.push(hop);
      break;
    }
    if (value[i] === ',') {
      hops.push(hop);
      hop = {};
    } else if (value[i] !== ';') return undefined;
    i++;
  }
  return hops;
}

/**
 * The address in a `for=` value: `192.0.2.43`, `"192.0.2.43:47011"`, `"[2001:db8::17]:4711"`.
 * Obfuscated identifiers (`_hidden`) and `unknown` give `undefined`.
 */
export function forwardedAddress(node: string | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (node.startsWith('[')) {
    const close = node.indexOf(']');
    return close === -1 ? undefined : node.slice(1, close);
  }
  const colon = node.indexOf(':');
  return colon === -1 ? node : node.slice(0, colon);
}
