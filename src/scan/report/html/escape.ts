/**
 * HTML escaping for the scan report. Everything a report shows came from a scanned server (headers,
 * evidence, URLs, certificate names), so nothing is interpolated raw: the {@link html} template tag
 * escapes every value unless it is {@link SafeHtml} built by the tag itself.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes `&`, `<`, `>`, `"` and `'`, which is enough for text content and for quoted attribute
 * values (the report quotes every attribute).
 * @example escapeHtml('<b title="x">') // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const BRAND: unique symbol = Symbol('SafeHtml');

/** Markup that is already safe: only {@link html} and {@link joinHtml} make one. */
export class SafeHtml {
  readonly #markup: string;

  /** @internal Use {@link html}; the constructor is not for arbitrary strings. */
  constructor(markup: string, brand: typeof BRAND) {
    if (brand !== BRAND) throw new TypeError('SafeHtml is made by the html`` tag only');
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

/** What may be interpolated: text (escaped), numbers, safe markup, lists of those, or nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === null || value === undefined || value === false || value === true) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Template tag: the literal parts are markup, every `${value}` is escaped (arrays are rendered item
 * by item; `null`, `undefined` and booleans render as nothing, so `${cond && html`…`}` works).
 * @example html`<p>${'<script>'}</p>`.toString() // '<p>&lt;script&gt;</p>'
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out, BRAND);
}

/** Renders `values` one after another, separated by `separator` (itself markup from {@link html}). */
export function joinHtml(values: readonly HtmlValue[], separator: SafeHtml = html``): SafeHtml {
  return new SafeHtml(values.map(render).join(separator.toString()), BRAND);
}

/**
 * The body of a raw-text element (`<style>`) from a constant of this code, never from a report:
 * inside `<style>` entities are not decoded (escaping would break the CSS and its hash), so the
 * text is taken as it is, and refused if it could close the element or open a comment.
 * @throws Error when `text` contains `</` or `<!--`.
 */
export function rawTextElementBody(text: string): SafeHtml {
  if (text.includes('</') || text.includes('<!--')) throw new Error('raw text element body must not contain "</" or "<!--"');
  return new SafeHtml(text, BRAND);
}
