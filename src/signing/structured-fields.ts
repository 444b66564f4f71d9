/**
 * The subset of Structured Field Values (RFC 8941) that message signatures need: dictionaries whose
 * members are inner lists or items, items being integers, sf-strings, tokens, booleans or byte
 * sequences, each with parameters. Decimals (and dates, display strings) are not part of the subset
 * and fail the parse, as does anything else that is not exactly the RFC 8941 syntax.
 *
 * The parser scans character by character (no regular expression runs over the whole input), gives
 * up past {@link MAX_FIELD_LENGTH} characters, and returns `undefined` instead of throwing.
 * @see https://www.rfc-editor.org/rfc/rfc8941#section-4.2
 * @internal
 */

/** Longer field values are refused outright (Node's default header limit is 16 KiB in total). */
export const MAX_FIELD_LENGTH = 8192;

/** A bare item of the subset. */
export type BareItem =
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'token'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bytes'; readonly value: Buffer };

/** Parameters in the order they first appeared (a repeated key overwrites the value, RFC 8941 §4.2.3.2). */
export type Parameters = ReadonlyMap<string, BareItem>;

/** An item with its parameters. */
export interface Item {
  readonly kind: 'item';
  readonly value: BareItem;
  readonly params: Parameters;
}

/** An inner list with its parameters. */
export interface InnerList {
  readonly kind: 'inner-list';
  readonly items: readonly Item[];
  readonly params: Parameters;
}

/** A dictionary in member order (a repeated key overwrites the value, keeping its first position). */
export type Dictionary = ReadonlyMap<string, Item | InnerList>;

class Failure extends Error {}

/** Parses a Dictionary field value; `undefined` when it is not valid RFC 8941 syntax of the subset. */
export function parseDictionary(input: string): Dictionary | undefined {
  if (typeof input !== 'string' || input.length > MAX_FIELD_LENGTH) return undefined;
  try {
    return new Parser(input).dictionary();
  } catch (error) {
    if (error instanceof Failure) return undefined;
    throw error;
  }
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isLcAlpha = (c: string): boolean => c >= 'a' && c <= 'z';
const isAlpha = (c: string): boolean => isLcAlpha(c) || (c >= 'A' && c <= 'Z');
const TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";
const isTchar = (c: string): boolean => isAlpha(c) || isDigit(c) || (c !== '' && TCHAR_SYMBOLS.includes(c));
const isKeyChar = (c: string): boolean => isLcAlpha(c) || isDigit(c) || c === '_' || c === '-' || c === '.' || c === '*';
const isBase64Char = (c: string): boolean => isAlpha(c) || isDigit(c) || c === '+' || c === '/' || c === '=';

class Parser {
  #pos = 0;
  readonly #s: string;

  constructor(input: string) {
    // HTTP trims the field value's surrounding whitespace; do the same for values passed in by hand.
    let start = 0;
    let end = input.length;
    while (start < end && (input[start] === ' ' || input[start] === '\t')) start++;
    while (end > start && (input[end - 1] === ' ' || input[end - 1] === '\t')) end--;
    this.#s = input.slice(start, end);
  }

  #peek(): string {
    return this.#s[this.#pos] ?? '';
  }

  #expect(c: string): void {
    if (this.#peek() !== c) throw new Failure();
    this.#pos++;
  }

  #skip(chars: string): void {
    while (this.#pos < this.#s.length && chars.includes(this.#peek())) this.#pos++;
  }

  dictionary(): Dictionary {
    const members = new Map<string, Item | InnerList>();
    while (this.#pos < this.#s.length) {
      const key = this.#key();
      let member: Item | InnerList;
      if (this.#peek() === '=') {
        this.#pos++;
        member = this.#peek() === '(' ? this.#innerList() : this.#item();
      } else {
        member = { kind: 'item', value: { type: 'boolean', value: true }, params: this.#params() };
      }
      members.set(key, member);
      this.#skip(' \t');
      if (this.#pos >= this.#s.length) return members;
      this.#expect(',');
      this.#skip(' \t');
      if (this.#pos >= this.#s.length) throw new Failure(); // a trailing comma
    }
    return members;
  }

  #innerList(): InnerList {
    this.#expect('(');
    const items: Item[] = [];
    for (;;) {
      this.#skip(' ');
      if (this.#peek() === ')') {
        this.#pos++;
        return { kind: 'inner-list', items, params: this.#params() };
      }
      items.push(this.#item());
      const next = this.#peek();
      if (next !== ' ' && next !== ')') throw new Failure();
    }
  }

  #item(): Item {
    const value = this.#bareItem();
    return { kind: 'item', value, params: this.#params() };
  }

  #params(): Parameters {
    const params = new Map<string, BareItem>();
    while (this.#peek() === ';') {
      this.#pos++;
      this.#skip(' ');
      const key = this.#key();
      let value: BareItem = { type: 'boolean', value: true };
      if (this.#peek() === '=') {
        this.#pos++;
        value = this.#bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  #key(): string {
    const start = this.#pos;
    const first = this.#peek();
    if (!isLcAlpha(first) && first !== '*') throw new Failure();
    this.#pos++;
    while (isKeyChar(this.#peek())) this.#pos++;
    return this.#s.slice(start, this.#pos);
  }

  #bareItem(): BareItem {
    const c = this.#peek();
    if (c === '-' || isDigit(c)) return this.#integer();
    if (c === '"') return this.#string();
    if (c === ':') return this.#bytes();
    if (c === '?') return this.#boolean();
    if (isAlpha(c) || c === '*') return this.#token();
    throw new Failure();
  }

  #integer(): BareItem {
    const start = this.#pos;
    if (this.#peek() === '-') this.#pos++;
    const digitsStart = this.#pos;
    while (isDigit(this.#peek())) this.#pos++;
    const digits = this.#pos - digitsStart;
    if (digits === 0 || digits > 15 || this.#peek() === '.') throw new Failure(); // decimals are outside the subset
    return { type: 'integer', value: Number(this.#s.slice(start, this.#pos)) };
  }

  #string(): BareItem {
    this.#expect('"');
    let out = '';
    for (;;) {
      const c = this.#peek();
      this.#pos++;
      if (c === '"') return { type: 'string', value: out };
      if (c === '\\') {
        const escaped = this.#peek();
        if (escaped !== '"' && escaped !== '\\') throw new Failure();
        this.#pos++;
        out += escaped;
      } else if (c >= ' ' && c <= '~') out += c;
      else throw new Failure(); // end of input, a control character or non-ASCII
    }
  }

  #token(): BareItem {
    const start = this.#pos;
    this.#pos++;
    for (let c = this.#peek(); isTchar(c) || c === ':' || c === '/'; c = this.#peek()) this.#pos++;
    return { type: 'token', value: this.#s.slice(start, this.#pos) };
  }

  #bytes(): BareItem {
    this.#expect(':');
    const start = this.#pos;
    while (isBase64Char(this.#peek())) this.#pos++;
    const text = this.#s.slice(start, this.#pos);
    this.#expect(':');
    const value = Buffer.from(text, 'base64');
    // Only the canonical, padded spelling is accepted: one value, one spelling.
    if (value.toString('base64') !== text) throw new Failure();
    return { type: 'bytes', value };
  }

  #boolean(): BareItem {
    this.#expect('?');
    const c = this.#peek();
    if (c !== '0' && c !== '1') throw new Failure();
    this.#pos++;
    return { type: 'boolean', value: c === '1' };
  }
}

/** Serializes a bare item (RFC 8941 §4.1.3). Strings must hold printable ASCII only. */
export function serializeBareItem(item: BareItem): string {
  switch (item.type) {
    case 'integer':
      return String(item.value);
    case 'string':
      return `"${item.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    case 'token':
      return item.value;
    case 'boolean':
      return item.value ? '?1' : '?0';
    case 'bytes':
      return `:${item.value.toString('base64')}:`;
  }
}

/** Serializes parameters: `;key` for true, `;key=value` otherwise (RFC 8941 §4.1.1.2). */
export function serializeParams(params: Parameters): string {
  let out = '';
  for (const [key, value] of params) {
    out += value.type === 'boolean' && value.value ? `;${key}` : `;${key}=${serializeBareItem(value)}`;
  }
  return out;
}

/** Serializes an inner list with its parameters, items separated by one space (RFC 8941 §4.1.1.1). */
export function serializeInnerList(list: Pick<InnerList, 'items' | 'params'>): string {
  return `(${list.items.map((item) => serializeBareItem(item.value) + serializeParams(item.params)).join(' ')})${serializeParams(list.params)}`;
}
