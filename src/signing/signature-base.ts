import { serializeBareItem } from './structured-fields.js';

/** The request as the signature base sees it. @internal */
export interface BaseRequest {
  readonly method: string;
  /** The absolute path, without the query. */
  readonly path: string;
  /** The raw query without `?`; `''` when there is none. */
  readonly query: string;
  /** A header's value, or undefined when absent. */
  header(name: string): string | undefined;
}

/**
 * A component's value (RFC 9421 §2.1, §2.2): `@method` upper-case; `@path` the path, `/` when empty;
 * `@query` `?` and the raw query (`?` alone when there is none); `@authority` the `Host` header,
 * lower-cased; a header field its value with surrounding whitespace removed. `undefined` when the
 * component is absent from the request.
 * @internal
 */
export function componentValue(request: BaseRequest, name: string): string | undefined {
  switch (name) {
    case '@method':
      return request.method.toUpperCase();
    case '@path':
      return request.path === '' ? '/' : request.path;
    case '@query':
      return `?${request.query}`;
    case '@authority': {
      const host = request.header('host');
      return host === undefined ? undefined : trimOws(host).toLowerCase();
    }
    default: {
      const value = request.header(name);
      return value === undefined ? undefined : trimOws(value);
    }
  }
}

/** Removes leading and trailing spaces and tabs. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start++;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end--;
  return value.slice(start, end);
}

/**
 * The signature base (RFC 9421 §2.5): one line `"<name>": <value>` per covered component, then
 * `"@signature-params": <params>`, joined with `\n`, no trailing newline. `values` are the component
 * values in the order of `components`; `params` is the serialized inner list with its parameters.
 * `undefined` when a value holds a line break (it would forge a line of the base).
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-2.5
 * @internal
 */
export function signatureBase(components: readonly string[], values: readonly string[], params: string): string | undefined {
  const lines: string[] = [];
  for (let i = 0; i < components.length; i++) {
    const value = values[i] ?? '';
    if (value.includes('\n') || value.includes('\r')) return undefined;
    lines.push(`${serializeBareItem({ type: 'string', value: components[i] ?? '' })}: ${value}`);
  }
  lines.push(`"@signature-params": ${params}`);
  return lines.join('\n');
}
