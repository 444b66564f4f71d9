import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { parseUrl } from '../url.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];
/** A document as parse5 builds it. */
export type ParsedDocument = DefaultTreeAdapterMap['document'];

/** A URL-valued attribute as written and as the browser resolves it (absent when it does not parse). */
export interface ResourceRef {
  /** Element name, lower case (`script`, `img`, `form`…). */
  readonly tag: string;
  /** Attribute the URL came from (`src`, `href`, `data`, `action`, `srcset`…). */
  readonly attribute: string;
  /** The attribute value as written. */
  readonly raw: string;
  /** Resolved against the page URL and `<base href>`; `undefined` when it is not a valid URL. */
  readonly url: URL | undefined;
}

/** An external script (`<script src>`) or stylesheet (`<link rel=stylesheet href>`). */
export interface SubresourceRef extends ResourceRef {
  /** `integrity` as written, if present. */
  readonly integrity: string | undefined;
  /** `crossorigin` as written (`''` for the bare attribute), if present. */
  readonly crossorigin: string | undefined;
  /** `nonce` as written, if present (scripts and stylesheets may carry one). */
  readonly nonce: string | undefined;
}

/** One inline event-handler attribute (`onclick="…"`). */
export interface InlineHandler {
  readonly tag: string;
  readonly attribute: string;
  readonly value: string;
}

/** Everything the content check needs from one page, found in a single walk of the parse5 tree. */
export interface PageContent {
  /** The page's base URL: the first `<base href>` that parses, else the page URL. */
  readonly baseUrl: URL;
  /** The first `<base href>`, when there is one. */
  readonly base: ResourceRef | undefined;
  readonly scripts: readonly SubresourceRef[];
  readonly stylesheets: readonly SubresourceRef[];
  /** Blockable ("active") loads other than scripts and stylesheets: `iframe src`, `object data`, `embed src`. */
  readonly frames: readonly ResourceRef[];
  /** Upgradeable ("passive") loads: `img src/srcset`, `audio`/`video` `src`/`poster`, `source src/srcset`, `track src`. */
  readonly media: readonly ResourceRef[];
  /** Where forms submit: `form action` (the page URL when absent or empty) and `formaction` on buttons and inputs. */
  readonly forms: readonly ResourceRef[];
  readonly handlers: readonly InlineHandler[];
  /** `content` of each `<meta http-equiv="Content-Security-Policy">`. */
  readonly metaCsp: readonly string[];
}

const JS_TYPES = /^(?:|module|(?:text|application)\/(?:x-)?(?:java|ecma)script|text\/(?:jscript|livescript)|text\/javascript1\.[0-5])$/i;
const ASCII_WHITESPACE = /[\t\n\f\r ]+/;
const MEDIA_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  img: ['src', 'srcset'],
  audio: ['src'],
  video: ['src', 'poster'],
  source: ['src', 'srcset'],
  track: ['src'],
};
const FRAME_ATTRIBUTES: Readonly<Record<string, string>> = { iframe: 'src', object: 'data', embed: 'src' };

interface Raw {
  tag: string;
  attribute: string;
  raw: string;
}
interface RawSubresource extends Raw {
  integrity: string | undefined;
  crossorigin: string | undefined;
  nonce: string | undefined;
}

/**
 * Parses `html` with parse5 (the WHATWG parsing algorithm, as browsers run it: any input gives a
 * document, nothing throws) and collects, in one iterative walk (deep nesting cannot overflow the
 * stack), the URLs, handlers and meta policies the content check looks at. URLs resolve against
 * the document base URL: the first `<base href>` in tree order, wherever it stands, as the HTML
 * standard says; form actions that are absent or empty resolve to the page URL itself. `<template>`
 * contents are inert and skipped; elements in SVG and MathML count for handlers only.
 * @see https://html.spec.whatwg.org/multipage/urls-and-fetching.html#document-base-url
 * @example extractContent('<script src="/a.js"></script>', new URL('https://example.com/')).scripts[0]?.url?.href
 */
export function extractContent(html: string | ParsedDocument, pageUrl: URL): PageContent {
  const scripts: RawSubresource[] = [];
  const stylesheets: RawSubresource[] = [];
  const frames: Raw[] = [];
  const media: Raw[] = [];
  const forms: Raw[] = [];
  const handlers: InlineHandler[] = [];
  const metaCsp: string[] = [];
  let base: Raw | undefined;

  const stack: Node[] = [typeof html === 'object' && html !== null ? html : parse(typeof html === 'string' ? html : String(html ?? ''))];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (!('childNodes' in node)) continue;
    // Push children in reverse so that they are visited in document order.
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i] as Node);
    if (!('tagName' in node)) continue;
    const element = node;
    const tag = element.tagName.toLowerCase();
    for (const attr of element.attrs) {
      if (attr.name.length > 2 && attr.name.toLowerCase().startsWith('on')) handlers.push({ tag, attribute: attr.name.toLowerCase(), value: attr.value });
    }
    if (element.namespaceURI !== 'http://www.w3.org/1999/xhtml') continue;
    const get = (name: string): string | undefined => attribute(element, name);

    if (tag === 'base') {
      const href = get('href');
      if (base === undefined && href !== undefined) base = { tag, attribute: 'href', raw: href };
    } else if (tag === 'script') {
      const src = get('src');
      if (src !== undefined && JS_TYPES.test((get('type') ?? '').trim())) scripts.push(subresource(tag, 'src', src, get));
    } else if (tag === 'link') {
      const rel = (get('rel') ?? '').toLowerCase().split(ASCII_WHITESPACE);
      const href = get('href');
      if (rel.includes('stylesheet') && href !== undefined) stylesheets.push(subresource(tag, 'href', href, get));
    } else if (tag in FRAME_ATTRIBUTES) {
      const name = FRAME_ATTRIBUTES[tag] as string;
      const value = get(name);
      if (value !== undefined && value.trim() !== '') frames.push({ tag, attribute: name, raw: value });
    } else if (tag in MEDIA_ATTRIBUTES) {
      for (const name of MEDIA_ATTRIBUTES[tag] ?? []) {
        const value = get(name);
        if (value === undefined || value.trim() === '') continue;
        const urls = name === 'srcset' ? srcsetUrls(value) : [value];
        for (const raw of urls) media.push({ tag, attribute: name, raw });
      }
    } else if (tag === 'meta') {
      const content = get('content');
      if ((get('http-equiv') ?? '').trim().toLowerCase() === 'content-security-policy' && content !== undefined) metaCsp.push(content);
    }
    if (tag === 'form') forms.push({ tag, attribute: 'action', raw: get('action') ?? '' });
    if (tag === 'button' || tag === 'input') {
      const action = get('formaction');
      if (action !== undefined && action !== '') forms.push({ tag, attribute: 'formaction', raw: action });
    }
  }

  const baseUrl = (base && parseUrl(base.raw, pageUrl)) ?? pageUrl;
  const ref = (r: Raw): ResourceRef => ({ ...r, url: parseUrl(r.raw, baseUrl) });
  // An absent or empty action submits to the document's URL, not to the base URL.
  const formRef = (r: Raw): ResourceRef => ({ ...r, url: r.raw === '' ? pageUrl : parseUrl(r.raw, baseUrl) });
  return {
    baseUrl,
    base: base && { ...base, url: parseUrl(base.raw, pageUrl) },
    scripts: scripts.map((s) => ({ ...s, url: parseUrl(s.raw, baseUrl) })),
    stylesheets: stylesheets.map((s) => ({ ...s, url: parseUrl(s.raw, baseUrl) })),
    frames: frames.map(ref),
    media: media.map(ref),
    forms: forms.map(formRef),
    handlers,
    metaCsp,
  };
}

/** The value of attribute `name` (attribute names are already lower case in HTML elements). */
function attribute(element: Element, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

function subresource(tag: string, name: string, raw: string, get: (name: string) => string | undefined): RawSubresource {
  return { tag, attribute: name, raw, integrity: get('integrity'), crossorigin: get('crossorigin'), nonce: get('nonce') };
}

/** The URLs of a `srcset` (each candidate is a URL, then an optional descriptor, separated by commas). */
export function srcsetUrls(srcset: string): string[] {
  return srcset
    .split(',')
    .map((candidate) => candidate.trim().split(ASCII_WHITESPACE)[0] ?? '')
    .filter((url) => url !== '');
}
