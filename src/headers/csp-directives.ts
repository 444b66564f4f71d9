/**
 * The CSP Level 3 directives Aegis accepts, and how their values are checked.
 * @see https://www.w3.org/TR/CSP3/#csp-directives
 */

/** Directives whose value is a source list (`'self' https://cdn.example`). */
export const SOURCE_DIRECTIVES = [
  'default-src',
  'child-src',
  'connect-src',
  'fenced-frame-src',
  'font-src',
  'frame-src',
  'img-src',
  'manifest-src',
  'media-src',
  'object-src',
  'script-src',
  'script-src-elem',
  'script-src-attr',
  'style-src',
  'style-src-elem',
  'style-src-attr',
  'worker-src',
  'base-uri',
  'form-action',
  'frame-ancestors',
] as const;

/** Directives whose value is a list of tokens with their own vocabulary (`sandbox allow-forms`). */
export const TOKEN_DIRECTIVES = ['sandbox', 'require-trusted-types-for', 'trusted-types'] as const;

/** Directives with no value: present or absent. */
export const FLAG_DIRECTIVES = ['upgrade-insecure-requests'] as const;

export type SourceDirective = (typeof SOURCE_DIRECTIVES)[number];
export type TokenDirective = (typeof TOKEN_DIRECTIVES)[number];
export type FlagDirective = (typeof FLAG_DIRECTIVES)[number];
export type DirectiveKind = 'sources' | 'tokens' | 'flag';

export const DIRECTIVES: ReadonlyMap<string, DirectiveKind> = new Map<string, DirectiveKind>([
  ...SOURCE_DIRECTIVES.map((name) => [name, 'sources'] as const),
  ...TOKEN_DIRECTIVES.map((name) => [name, 'tokens'] as const),
  ...FLAG_DIRECTIVES.map((name) => [name, 'flag'] as const),
]);

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/**
 * CSP directives, by their header name (`'script-src'`) or in camelCase (`scriptSrc`).
 * `false` removes a directive that the defaults would add.
 */
export type CspDirectives = {
  [K in SourceDirective as K | CamelCase<K>]?: readonly string[] | false;
} & {
  [K in TokenDirective as K | CamelCase<K>]?: readonly string[] | false;
} & {
  [K in FlagDirective as K | CamelCase<K>]?: boolean;
};

/** Directives that were removed from CSP, with what to do instead. */
export const RETIRED_DIRECTIVES: Readonly<Record<string, string>> = {
  'block-all-mixed-content': 'remove it; it is obsolete. upgrade-insecure-requests covers mixed content.',
  'plugin-types': 'remove it; plugins are gone. Keep object-src \'none\'.',
  'prefetch-src': 'remove it; browsers dropped it. Use default-src or connect-src.',
  'navigate-to': 'remove it; it was never shipped by browsers.',
  referrer: 'remove it; use headers.referrerPolicy.',
  'disown-opener': 'remove it; use headers.crossOriginOpenerPolicy.',
  'reflected-xss': 'remove it; browsers dropped it. A script-src with a nonce stops reflected scripts.',
  'require-sri-for': 'remove it; it was never shipped by browsers. Add integrity attributes to cross-origin scripts instead.',
};

/** Reporting is configured through `reporting`, which also serves the endpoint. */
export const REPORTING_DIRECTIVES = new Set(['report-uri', 'report-to']);

/** Keywords that must be written in single quotes inside a source list. */
export const SOURCE_KEYWORDS = new Set([
  'self',
  'none',
  'unsafe-inline',
  'unsafe-eval',
  'unsafe-hashes',
  'strict-dynamic',
  'report-sample',
  'wasm-unsafe-eval',
  'unsafe-allow-redirects',
  'inline-speculation-rules',
]);

/** The `sandbox` directive's flags. */
export const SANDBOX_TOKENS = new Set([
  'allow-downloads',
  'allow-forms',
  'allow-modals',
  'allow-orientation-lock',
  'allow-pointer-lock',
  'allow-popups',
  'allow-popups-to-escape-sandbox',
  'allow-presentation',
  'allow-same-origin',
  'allow-scripts',
  'allow-storage-access-by-user-activation',
  'allow-top-navigation',
  'allow-top-navigation-by-user-activation',
  'allow-top-navigation-to-custom-protocols',
]);
