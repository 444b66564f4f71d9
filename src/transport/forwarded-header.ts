/**
 * One hop of an RFC 7239 `Forwarded` header: `for=192.0.2.60;proto=https;host=example.com`.
 * Values are unquoted; unknown parameters are ignored.
 */
export interface ForwardedHop {
  readonly for?: string;
  readonly proto?: string;
  readonly host?: string;
}

// name=value, then `;` (next parameter), `,` (next hop) or the end. Unquoted values are tokens; ':'
// and brackets are tolerated there because some proxies write addresses with ports unquoted.
const PAIR = /[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=(?:([!#$%&'*+.^_`|~0-9A-Za-z:[\]-]+)|"((?:[^"\\]|\\.)*)")[ \t]*([;,]|$)/y;

/**
 * Parses a `Forwarded` header value into hops, left (farthest) to right (nearest).
 * Returns `undefined` when the value is malformed: a broken header is not evidence of anything.
 * @see https://www.rfc-editor.org/rfc/rfc7239#section-4
 */
export function parseForwarded(value: string): ForwardedHop[] | undefined {
  const hops: ForwardedHop[] = [];
  let hop: Record<string, string> = {};
  PAIR.lastIndex = 0;
  while (PAIR.lastIndex < value.length) {
    const match = PAIR.exec(value);
    if (!match) return undefined;
    const name = (match[1] as string).toLowerCase();
    if (name in hop) return undefined; // a parameter may appear once per hop
    hop[name] = match[2] ?? (match[3] as string).replace(/\\(.)/g, '$1');
    if (match[4] !== ';') {
      hops.push(hop);
      hop = {};
    }
    if (match[4] === '') break;
  }
  return hops.length > 0 && Object.keys(hop).length === 0 ? hops : undefined;
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
