/** A line of a `.env` file that could not be read. The message never contains the line's value. */
export interface DotenvProblem {
  /** 1-based line number (for a quoted value over several lines, the line where it starts). */
  readonly line: number;
  /** What is wrong, in one sentence. */
  readonly message: string;
}

/** The result of {@link parseDotenv}. */
export interface DotenvResult {
  /** The variables read, by name (a null-prototype object: `__proto__` is an ordinary key). */
  readonly values: Record<string, string>;
  /** Lines that were not understood; the other lines are still read. */
  readonly problems: readonly DotenvProblem[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * Parses the text of a `.env` file. The syntax:
 *
 * - `KEY=value` and `export KEY=value`; keys are `[A-Za-z_][A-Za-z0-9_]*`; spaces around the key,
 *   the `=` and an unquoted value are trimmed; `KEY=` is an empty value.
 * - `# comment` on a line of its own, or after an unquoted value when a space or tab precedes the `#`
 *   (`COLOR=#fff` keeps its `#`).
 * - `'single quotes'`: taken literally. `"double quotes"`: `\n`, `\r`, `\t`, `\"` and `\\` are
 *   escapes (any other backslash is kept as written). Both kinds may span several lines (PEM keys);
 *   the value ends at the next closing quote, which may be followed by a comment and nothing else.
 * - No variable expansion: `$HOME` and `${OTHER}` stay as written. No command substitution.
 * - A key given twice: the later line wins.
 *
 * Lines that do not fit are reported with their line number and skipped; a message names at most
 * the key, never the value, so problems can be logged even when the file holds secrets.
 *
 * @example
 * parseDotenv('PORT=3000\nexport NAME="Aegis" # app name\n');
 * // { values: { PORT: '3000', NAME: 'Aegis' }, problems: [] }
 */
export function parseDotenv(text: string): DotenvResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const problems: DotenvProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const line = (lines[i] ?? '').trimStart().replace(/^export\s+(?=[A-Za-z_])/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fail = (message: string) => problems.push({ line: start + 1, message });
    const eq = line.indexOf('=');
    if (eq < 0) {
      fail('expected KEY=value, but the line has no "=".');
      continue;
    }
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key)) {
      fail('the name before "=" is not a variable name (letters, digits and _, not starting with a digit).');
      continue;
    }
    const raw = line.slice(eq + 1);
    const quote = raw.trimStart()[0];
    if (quote !== '"' && quote !== "'") {
      const comment = raw.search(/\s#/);
      values[key] = (comment < 0 ? raw : raw.slice(0, comment)).trim();
      continue;
    }
    let body = raw.trimStart().slice(1);
    let end = closingQuote(body, quote);
    while (end < 0 && i + 1 < lines.length) {
      i++;
      body += `\n${lines[i] ?? ''}`;
      end = closingQuote(body, quote);
    }
    const after = end < 0 ? '' : body.slice(end + 1).trim();
    const junk = after !== '' && !after.startsWith('#');
    // A value over several lines must end with its quote (then nothing but a comment); otherwise
    // the quote it found belongs to a later line, and the opening quote is the mistake.
    if (end < 0 || (junk && i > start)) {
      fail(`${key}: the ${quote === '"' ? 'double' : 'single'} quote that opens the value is never closed.`);
      i = start; // read the following lines on their own
      continue;
    }
    if (junk) {
      fail(`${key}: unexpected text after the closing quote (put a space and # before a comment).`);
      continue;
    }
    const inner = body.slice(0, end);
    values[key] = quote === "'" ? inner : inner.replace(/\\([\s\S])/g, (all, c: string) => ESCAPES[c] ?? all);
  }
  return { values, problems };
}

/** Index of the quote that closes `body`, or -1. In double quotes a backslash escapes the next character. */
function closingQuote(body: string, quote: string): number {
  if (quote === "'") return body.indexOf("'");
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '"') return i;
  }
  return -1;
}
