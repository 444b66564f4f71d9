import { isLoopbackHost } from '../cookies/domain-scope.js';
import { parseCsp } from '../csp/index.js';
import { contentCspFacts, type ContentCspFacts } from './csp-facts.js';
import { extractContent, type PageContent, type ResourceRef, type SubresourceRef } from './extract.js';
import { finding } from '../finding.js';
import { CONTENT_FINDINGS, type ContentFinding } from './findings.js';

/** Where the page was served and what its headers enforce. */
export interface ContentContext {
  /** The page's URL (after redirects): its scheme decides mixed content, its origin "cross-origin". */
  readonly url: URL;
  /**
   * Facts of the CSP enforced by the response headers (`contentCspFacts`). Absent: no header
   * policy. A `<meta http-equiv="Content-Security-Policy">` in the page is added to it.
   */
  readonly csp?: ContentCspFacts;
  /** The page already extracted (`extractContent`), so the HTML is not parsed again. */
  readonly content?: PageContent;
}

/** Integrity hash algorithms browsers accept (SRI §3.3.3); any other token is ignored. */
const SUPPORTED_INTEGRITY = /^(?:sha256|sha384|sha512)-/i;
/** How many handlers a finding's evidence shows. */
const EVIDENCE_HANDLERS = 3;
/** Longest attribute value shown in evidence. */
const EVIDENCE_CHARS = 120;

/**
 * Evaluates a page's HTML (parsed with parse5, as browsers parse it; garbage never throws) and
 * returns every content finding, in this order:
 *
 * - **Mixed content** on an https page: `http:` scripts, stylesheets, iframes, objects and embeds
 *   are active (`001`, high: an attacker on the path runs code in the page; browsers block them);
 *   images and media are passive (`002`, low: browsers upgrade or block them). `http://localhost`
 *   and loopback addresses are potentially trustworthy, so they are not mixed content. Neither is
 *   reported when a policy (header or meta) has `upgrade-insecure-requests`: the browser then
 *   fetches them over https: (a server that does not answer there shows up as a broken page, not
 *   as a security hole).
 * - **Subresource Integrity** on cross-origin scripts and stylesheets: missing (`003`), only
 *   unsupported algorithms such as sha1 or md5, which browsers ignore as if absent (`004`), or
 *   present without `crossorigin`, so the check fails and the resource is not loaded (`005`, info).
 *   Same-origin resources need none. Skipped for active mixed content (already `001`).
 * - **Inline event handlers** (`on*` attributes): `006` when the CSP (header facts and every meta
 *   policy) lets them run, `007` (info) when it blocks them. One finding per page.
 * - **Forms** (`action`, `formaction`): to `http:` from an https page (`008`, high), else to
 *   another origin (`009`, low). `javascript:`, `mailto:` and other schemes are not judged.
 * - **`<base href>`** to another origin (`010`): every relative URL of the page then loads from there.
 *
 * Evidence shows the element, the attribute as written and, when it differs, the resolved URL.
 * @see https://www.w3.org/TR/mixed-content/
 * @see https://www.w3.org/TR/SRI/
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Third_Party_Javascript_Management_Cheat_Sheet.html
 * @example evaluateContent('<script src="http://cdn.example/a.js"></script>', { url: new URL('https://example.com/') })[0]?.id // 'AEGIS-SCAN-CONTENT-001'
 */
export function evaluateContent(html: string, context: ContentContext): ContentFinding[] {
  const page = context.url;
  const content = context.content ?? extractContent(html, page);
  const findings: ContentFinding[] = [];
  const https = page.protocol === 'https:';
  const metaPolicies = content.metaCsp.flatMap((meta) => parseCsp(meta, 'meta'));
  const upgraded = context.csp?.upgradesInsecureRequests === true || contentCspFacts(metaPolicies).upgradesInsecureRequests === true;
  const mixed = (url: URL | undefined): boolean => https && !upgraded && isCleartext(url);

  const active = [...content.scripts, ...content.stylesheets, ...content.frames];
  for (const ref of active) {
    if (mixed(ref.url)) {
      findings.push(finding(CONTENT_FINDINGS.activeMixedContent, describe(ref), 'load it over https: (browsers block it on this page), or serve it from this origin.'));
    }
  }
  for (const ref of content.media) {
    if (mixed(ref.url)) {
      findings.push(finding(CONTENT_FINDINGS.passiveMixedContent, describe(ref), 'load it over https:; browsers upgrade or block it, and it shows the page as not fully secure.'));
    }
  }
  for (const ref of [...content.scripts, ...content.stylesheets]) {
    if (!mixed(ref.url)) findings.push(...integrityFindings(ref, page));
  }
  findings.push(...handlerFindings(content.handlers, context.csp, metaPolicies));
  for (const ref of content.forms) {
    const url = ref.url;
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) continue;
    if (https && isCleartext(url)) {
      findings.push(finding(CONTENT_FINDINGS.formToHttp, describe(ref), 'submit to an https: URL; over http: the form data travels in clear.'));
    } else if (url.origin !== page.origin) {
      findings.push(finding(CONTENT_FINDINGS.formCrossOrigin, describe(ref), 'check that this origin should receive the data; restrict it with CSP form-action.'));
    }
  }
  const base = content.base;
  if (base?.url !== undefined && (base.url.protocol === 'http:' || base.url.protocol === 'https:') && base.url.origin !== page.origin) {
    findings.push(finding(CONTENT_FINDINGS.baseCrossOrigin, describe(base), "remove <base> or point it at this origin; set CSP base-uri 'self' or 'none'."));
  }
  return findings;
}

/** `http:` to a host that is not loopback (browsers treat `http://localhost` as potentially trustworthy). */
function isCleartext(url: URL | undefined): boolean {
  return url !== undefined && url.protocol === 'http:' && !isLoopbackHost(url.hostname);
}

function integrityFindings(ref: SubresourceRef, page: URL): ContentFinding[] {
  const url = ref.url;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin === page.origin) return [];
  const integrity = ref.integrity?.trim() ?? '';
  if (integrity === '') {
    return [finding(CONTENT_FINDINGS.missingIntegrity, describe(ref), 'add integrity="sha384-…" (and crossorigin="anonymous"), or serve the file from this origin.')];
  }
  const tokens = integrity.split(/[\t\n\f\r ]+/);
  if (!tokens.some((token) => SUPPORTED_INTEGRITY.test(token))) {
    return [finding(CONTENT_FINDINGS.weakIntegrity, `${describe(ref)} integrity="${clip(integrity)}"`, 'use sha384 (or sha256, sha512): browsers ignore other algorithms and load the file unchecked.')];
  }
  if (ref.crossorigin === undefined) {
    return [finding(CONTENT_FINDINGS.integrityWithoutCrossorigin, describe(ref), 'add crossorigin="anonymous": without CORS the integrity check fails and the browser refuses the file.')];
  }
  return [];
}

function handlerFindings(handlers: readonly { tag: string; attribute: string; value: string }[], headerCsp: ContentCspFacts | undefined, metaPolicies: ReturnType<typeof parseCsp>): ContentFinding[] {
  if (handlers.length === 0) return [];
  const metaFacts = contentCspFacts(metaPolicies);
  const allowed = (headerCsp?.allowsInlineHandlers ?? true) && metaFacts.allowsInlineHandlers;
  const shown = handlers.slice(0, EVIDENCE_HANDLERS).map((h) => `<${h.tag} ${h.attribute}="${clip(h.value)}">`);
  const more = handlers.length > EVIDENCE_HANDLERS ? ` and ${handlers.length - EVIDENCE_HANDLERS} more` : '';
  const evidence = `${handlers.length} inline event handler${handlers.length === 1 ? '' : 's'}: ${shown.join(', ')}${more}`;
  return allowed
    ? [finding(CONTENT_FINDINGS.inlineHandlers, evidence, "move handlers to addEventListener in a script, and serve a CSP without 'unsafe-inline' (Aegis' default nonce policy).")]
    : [finding(CONTENT_FINDINGS.inlineHandlersBlocked, evidence, 'these handlers do not run under this CSP: move them to addEventListener in a script.')];
}

/** `<tag attribute="raw">`, then `→ resolved` when the resolved URL reads differently. */
function describe(ref: ResourceRef): string {
  const written = `<${ref.tag} ${ref.attribute}="${clip(ref.raw)}">`;
  return ref.url !== undefined && ref.url.href !== ref.raw ? `${written} → ${clip(ref.url.href)}` : written;
}

function clip(text: string): string {
  return text.length > EVIDENCE_CHARS ? `${text.slice(0, EVIDENCE_CHARS)}…` : text;
}
