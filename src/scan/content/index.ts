/**
 * The page-content part of `aegis scan`: parse a page's HTML with parse5 and report mixed content,
 * missing or weak Subresource Integrity, inline event handlers CSP does not block, forms posting
 * over http: or to another origin, and a cross-origin `<base>`. Pure functions, no network. Not a
 * package subpath yet.
 * @packageDocumentation
 */
export { evaluateContent } from './evaluate.js';
export type { ContentContext } from './evaluate.js';
export { extractContent, srcsetUrls } from './extract.js';
export type { InlineHandler, PageContent, ResourceRef, SubresourceRef } from './extract.js';
export { contentCspFacts, contentCspFactsFromHeader } from './csp-facts.js';
export type { ContentCspFacts } from './csp-facts.js';
export { CONTENT_FINDINGS, CONTENT_FINDING_TABLE } from './findings.js';
export type { ContentFinding, ContentFindingKind, ScanSeverity } from './findings.js';
