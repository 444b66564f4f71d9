/**
 * A parser for the subset of RFC 8941 structured-field dictionaries that Permissions-Policy uses:
 * `key=item` or `key=(item item …)`, items being tokens, strings, integers, decimals or booleans,
 * each optionally with `;param` parameters (kept out of the result). A bare `key` is `?1`.
 * Like browsers, any syntax error fails the whole dictionary.
 * @see https://www.rfc-editor.org/rfc/rfc8941#section-4.2.2
 */

/** One bare item: its type and its text (a string without quotes and escapes). */
export interface StructuredItem {
  readonly type: 'token' | 'string' | 'number' | 'boolean';
  readonly value: string;
}

/** One dictionary member: a single item, or an inner list. */
export type StructuredValue = { readonly list: false; readonly item: StructuredItem } | { readonly list: true; readonly items: readonly StructuredItem[] };

/** The parsed members in order (a repeated key appears each time), or the first syntax error. */
export type ParsedDictionary = { readonly ok: true; readonly members: ReadonlyArray<readonly [key: string, value: StructuredValue]> } | { readonly ok: false; readonly error: string };

const KEY = /^[a-z*][a-z0-9_\-.*]*/;
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/;
const NUMBER = /^-?\d{1,15}(?:\.\d{1,3})?/;

class SyntaxProblem extends Error {}

/** Parses a dictionary field value (several header lines joined with `, ` first). */
export function parseDictionary(input: string): ParsedDictionary {
  const reader = new Reader(input.replace(/^[ \t]+|[ \t]+$/g, ''));
  try {
    const members: Array<readonly [string, StructuredValue]> = [];
    while (!reader.done()) {
      const key = reader.match(KEY, 'a key');
      let value: StructuredValue = { list: false, item: { type: 'boolean', value: '?1' } };
      if (reader.take('=')) value = reader.peek() === '(' ? { list: true, items: reader.innerList() } : { list: false, item: reader.item() };
      reader.parameters();
      members.push([key, value]);
      reader.skip(/^[ \t]*/);
      if (reader.done()) break;
      if (!reader.take(',')) reader.fail("','");
      reader.skip(/^[ \t]*/);
      if (reader.done()) reader.fail('a member after the trailing comma');
    }
    return { ok: true, members };
  } catch (error) {
    if (error instanceof SyntaxProblem) return { ok: false, error: error.message };
    throw error;
  }
}

class Reader {
  private rest: string;
  constructor(private readonly input: string) {
    this.rest = input;
  }

  done(): boolean {
    return this.rest === '';
  }

  peek(): string {
    return this.rest.charAt(0);
  }

  take(char: string): boolean {
    if (!this.rest.startsWith(char)) return false;
    this.rest = this.rest.slice(char.length);
    return true;
  }

  skip(pattern: RegExp): void {
    this.rest = this.rest.replace(pattern, '');
  }

  match(pattern: RegExp, what: string): string {
    const found = pattern.exec(this.rest)?.[0];
    if (!found) this.fail(what);
    this.rest = this.rest.slice(found.length);
    return found;
  }

  fail(expected: string): never {
    const at = this.input.length - this.rest.length;
    throw new SyntaxProblem(`expected ${expected} at character ${at + 1}${this.rest ? `, found "${this.rest.slice(0, 12)}"` : ''}`);
  }

  innerList(): StructuredItem[] {
    this.take('(');
    const items: StructuredItem[] = [];
    for (;;) {
      this.skip(/^ */);
      if (this.take(')')) return items;
      items.push(this.item());
      if (this.peek() !== ' ' && this.peek() !== ')') this.fail("' ' or ')'");
    }
  }

  item(): StructuredItem {
    const item = this.bareItem();
    this.parameters();
    return item;
  }

  parameters(): void {
    while (this.take(';')) {
      this.skip(/^ */);
      this.match(KEY, 'a parameter key');
      if (this.take('=')) this.bareItem();
    }
  }

  private bareItem(): StructuredItem {
    const first = this.peek();
    if (first === '"') return { type: 'string', value: this.string() };
    if (first === '?') return { type: 'boolean', value: this.match(/^\?[01]/, '?0 or ?1') };
    if (first === '-' || /\d/.test(first)) return { type: 'number', value: this.match(NUMBER, 'a number') };
    return { type: 'token', value: this.match(TOKEN, 'a token, a string, a number or a boolean') };
  }

  private string(): string {
    this.take('"');
    let value = '';
    for (;;) {
      const char = this.peek();
      if (char === '') this.fail('a closing quote');
      this.rest = this.rest.slice(1);
      if (char === '"') return value;
      if (char === '\\') {
        const escaped = this.peek();
        if (escaped !== '"' && escaped !== '\\') this.fail('\\" or \\\\');
        this.rest = this.rest.slice(1);
        value += escaped;
      } else if (char < ' ' || char > '~') this.fail('a printable ASCII character');
      else value += char;
    }
  }
}
