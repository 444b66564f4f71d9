/**
 * The response-header part of `aegis scan` (everything but HSTS and CSP): pure functions over the
 * headers as received, no network. Not a package subpath yet.
 * @packageDocumentation
 */
export { evaluateHeaders } from './evaluate.js';
export type { HeaderContext } from './evaluate.js';
export type { ReceivedHeader } from './header-list.js';
export { HEADER_FINDINGS, HEADER_FINDING_TABLE } from './findings.js';
export { LEAKING_HEADERS, evaluateInfoLeaks } from './info-leaks.js';
export type { LeakingHeader, LeakKind } from './info-leaks.js';
export { parseDictionary } from './structured-dictionary.js';
export type { ParsedDictionary, StructuredItem, StructuredValue } from './structured-dictionary.js';
