import { SOURCE_DIRECTIVES } from '../../headers/csp-directives.js';
import { matchBypassHosts, parseHostSource } from './bypass-hosts.js';
import { finding } from '../finding.js';
import { withoutCoveredGaps } from './coverage.js';
import { CSP_FINDINGS, aegisOption, type CspFinding } from './findings.js';
import { parseCsp, type CspDelivery, type ParsedCspPolicy } from './parse.js';

/** What the caller knows about how the policy was served. */
export interface CspContext {
  /** The policy came as `Content-Security-Policy-Report-Only`. Default `false`. */
  readonly reportOnly?: boolean;
  /** A response header (default) or a `<meta http-equiv>` element. */
  readonly delivery?: CspDelivery;
  /** The `X-Frame-Options` value served with the page, if any: `DENY`/`SAMEORIGIN` cover a missing frame-ancestors. */
  readonly xFrameOptions?: string;
}

/** One directive as the evaluator sees it: its own name (`default-src` when that is the fallback) and values. */
interface Seen {
  readonly name: string;
  readonly values: readonly string[];
}

const SCHEMES_THAT_BYPASS = new Set(['http:', 'https:', 'data:']);
/** `*`, or a host wildcard with a scheme (`https://*`, `https://*:443`): any host matches. */
const ANY_HOST = /^(?:\*|[a-z][a-z0-9+.-]*:\/\/\*(?::(?:\d+|\*))?\/?)$/i;
const IGNORED_IN_META = ['frame-ancestors', 'report-uri', 'sandbox'];
const BASE64_VALUE = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** 128 bits in base64, without padding. */
const MIN_NONCE_CHARS = 22;
const HASH = /^'sha(?:256|384|512)-/i;
const NONCE = /^'nonce-(.*)'$/i;

/**
 * Evaluates a CSP (a header value, a `<meta>` content, or already parsed policies) the way a
 * browser would enforce it, and returns every finding: the parser's syntax findings first, then
 * the evaluation, per policy. A header with several policies is evaluated one policy at a time
 * (findings carry `policy`, the index); the effective policy is their intersection, which this
 * does not compute; but a directive missing from one policy and present in another is not reported
 * (the other policy covers it), and a directive missing from all is reported once.
 * @see https://www.w3.org/TR/CSP3/
 * @see https://csp-evaluator.withgoogle.com/
 * @example evaluateCsp("script-src 'self' 'unsafe-inline'").map((f) => f.id)
 */
export function evaluateCsp(input: string | readonly ParsedCspPolicy[], context: CspContext = {}): CspFinding[] {
  const delivery = context.delivery ?? 'header';
  const policies = typeof input === 'string' ? parseCsp(input, delivery) : input;
  const findings: CspFinding[] = [];
  if (context.reportOnly) {
    findings.push(finding(CSP_FINDINGS.reportOnly, 'Content-Security-Policy-Report-Only', 'send Content-Security-Policy once the reports are clean (headers.contentSecurityPolicy.reportOnly: false).'));
  }
  const several = policies.length > 1;
  if (several) {
    findings.push(finding(CSP_FINDINGS.severalPolicies, `${policies.length} policies`, 'send one policy: each is enforced separately and only their intersection applies, which is hard to reason about.'));
  }
  policies.forEach((policy, index) => {
    const own = [...policy.findings, ...evaluatePolicy(policy.directives, delivery, context.xFrameOptions)];
    findings.push(...(several ? own.map((finding) => ({ ...finding, policy: index })) : own));
  });
  return several ? withoutCoveredGaps(findings, policies.map((policy) => ({ policy, delivery }))) : findings;
}

function evaluatePolicy(directives: ReadonlyMap<string, readonly string[]>, delivery: CspDelivery, xFrameOptions: string | undefined): CspFinding[] {
  const findings: CspFinding[] = [];
  const script = effective(directives, 'script-src');
  const strictDynamic = script !== undefined && lower(script.values).includes("'strict-dynamic'");
  if (script) findings.push(...scriptFindings(script));
  else findings.push(finding(CSP_FINDINGS.missingScriptSrc, 'no script-src, no default-src', `set ${aegisOption('script-src')} to a nonce with 'strict-dynamic' (the Aegis default).`));
  for (const name of ['script-src-elem', 'script-src-attr']) {
    const values = directives.get(name);
    if (values) findings.push(...inlineFindings({ name, values }));
  }

  const object = effective(directives, 'object-src');
  if (object) findings.push(...bypassableSources(object, 'object-src'));
  else findings.push(finding(CSP_FINDINGS.missingObjectSrc, 'no object-src, no default-src', `set ${aegisOption('object-src')} to ["'none'"].`));

  // http:// hosts anywhere, and the bare http: scheme where 015 does not already report it.
  const judgedAsScheme = new Set([script?.name, object?.name]);
  for (const name of [...SOURCE_DIRECTIVES, 'report-uri']) {
    const values = directives.get(name);
    if (!values || (strictDynamic && name === script?.name)) continue;
    for (const value of values) {
      const bareHttp = value.toLowerCase() === 'http:' && !judgedAsScheme.has(name);
      if (/^http:\/\//i.test(value) || bareHttp) findings.push(finding(CSP_FINDINGS.cleartextSource, `${name} ${value}`, `use https:// for this source in ${aegisOption(name)}.`));
    }
  }
  findings.push(...nonceFindings(directives));

  const baseUri = directives.get('base-uri');
  if (baseUri) findings.push(...bypassableSources({ name: 'base-uri', values: baseUri }, 'base-uri'));
  else {
    findings.push(finding(CSP_FINDINGS.missingBaseUri, 'no base-uri', `set ${aegisOption('base-uri')} to ["'self'"] or ["'none'"], so an injected <base> cannot redirect relative scripts.`));
  }
  if (delivery === 'meta') {
    for (const name of IGNORED_IN_META) {
      const values = directives.get(name);
      if (values) findings.push(finding(CSP_FINDINGS.ignoredInMeta, show({ name, values }), `send ${name} in the Content-Security-Policy header; browsers ignore it in <meta>.`));
    }
  }
  findings.push(...framingFindings(delivery === 'meta' ? undefined : directives.get('frame-ancestors'), xFrameOptions));

  const trustedTypes = directives.get('require-trusted-types-for');
  if (!trustedTypes || !lower(trustedTypes).includes("'script'")) {
    findings.push(finding(CSP_FINDINGS.noTrustedTypes, 'no require-trusted-types-for', `when the code is ready, set ${aegisOption('require-trusted-types-for')} to ["'script'"] to stop DOM XSS sinks.`));
  }
  return findings;
}

/** `name`, or `default-src` when `name` is absent (fetch directives fall back to it). */
function effective(directives: ReadonlyMap<string, readonly string[]>, name: string): Seen | undefined {
  const own = directives.get(name);
  if (own) return { name, values: own };
  const fallback = directives.get('default-src');
  return fallback ? { name: 'default-src', values: fallback } : undefined;
}

function scriptFindings(script: Seen): CspFinding[] {
  const findings: CspFinding[] = [];
  const values = lower(script.values);
  const option = aegisOption('script-src');
  const hasNonce = values.some((v) => NONCE.test(v));
  const hasHash = values.some((v) => HASH.test(v));
  const strictDynamic = values.includes("'strict-dynamic'");
  findings.push(...inlineFindings(script));
  if (values.includes("'unsafe-eval'")) {
    findings.push(finding(CSP_FINDINGS.unsafeEval, `${script.name} 'unsafe-eval'`, `remove 'unsafe-eval' from ${option} and stop using eval()/new Function ('wasm-unsafe-eval' covers WebAssembly).`));
  }
  if (strictDynamic) {
    if (!hasNonce && !hasHash) {
      findings.push(finding(CSP_FINDINGS.strictDynamicAlone, `${script.name} 'strict-dynamic'`, `add a nonce or hash to ${option}; without one, browsers that know 'strict-dynamic' load no script.`));
    }
    const ignored = script.values.filter((v) => v === '*' || v.toLowerCase() === "'self'" || /^[a-z][a-z0-9+.-]*:$/i.test(v) || parseHostSource(v));
    if (ignored.length > 0) {
      findings.push(finding(CSP_FINDINGS.allowlistNeutralised, show({ name: script.name, values: ignored }), "nothing to do: kept as a fallback for browsers without 'strict-dynamic'."));
    }
    return findings;
  }
  findings.push(...bypassableSources(script, 'script-src'));
  const otherHosts: string[] = [];
  for (const value of script.values) {
    const gadgets = matchBypassHosts(value);
    if (gadgets.length > 0) {
      const why = gadgets.map((g) => `${g.host} serves ${g.kind === 'jsonp' ? 'JSONP' : 'AngularJS'}`).join(', ');
      findings.push(finding(CSP_FINDINGS.bypassHost, `${script.name} ${value}`, `remove ${value} from ${option} (${why}); use a nonce with 'strict-dynamic'.`));
    } else if (!ANY_HOST.test(value) && parseHostSource(value)) otherHosts.push(value);
  }
  if (otherHosts.length > 0) {
    findings.push(finding(CSP_FINDINGS.hostAllowlist, show({ name: script.name, values: otherHosts }), `prefer a nonce with 'strict-dynamic' to host allowlists in ${option}; allowlisted hosts often serve gadgets.`));
  }
  return findings;
}

/**
 * `'unsafe-inline'` in a script list: 011, or 012 (info) when a nonce, hash or `'strict-dynamic'`
 * in the same list makes CSP2+ browsers ignore it.
 */
function inlineFindings(list: Seen): CspFinding[] {
  const values = lower(list.values);
  if (!values.includes("'unsafe-inline'")) return [];
  const neutralised = values.some((v) => NONCE.test(v) || HASH.test(v) || v === "'strict-dynamic'");
  return [
    neutralised
      ? finding(CSP_FINDINGS.unsafeInlineNeutralised, `${list.name} 'unsafe-inline'`, "nothing to do: browsers ignore it next to a nonce, hash or 'strict-dynamic'; it only helps CSP1 browsers.")
      : finding(CSP_FINDINGS.unsafeInline, `${list.name} 'unsafe-inline'`, `replace 'unsafe-inline' with a nonce or hashes in ${aegisOption(list.name)} (Aegis adds a nonce by default).`),
  ];
}

/** `*` and plain `http:`/`https:`/`data:` sources: anyone can serve a script or plugin from them. */
function bypassableSources(seen: Seen, target: 'script-src' | 'object-src' | 'base-uri'): CspFinding[] {
  const fix =
    target === 'object-src'
      ? `set ${aegisOption('object-src')} to ["'none'"].`
      : target === 'base-uri'
        ? `set ${aegisOption('base-uri')} to ["'self'"] or ["'none'"]: an injected <base> would load every relative script from anywhere.`
        : `remove it from ${aegisOption('script-src')}; use a nonce with 'strict-dynamic'.`;
  const findings: CspFinding[] = [];
  for (const value of seen.values) {
    if (ANY_HOST.test(value)) findings.push(finding(CSP_FINDINGS.wildcardSource, `${seen.name} ${value}`, fix));
    else if (SCHEMES_THAT_BYPASS.has(value.toLowerCase())) findings.push(finding(CSP_FINDINGS.schemeSource, `${seen.name} ${value}`, fix));
  }
  return findings;
}

/** Nonces anywhere in the policy: base64 charset, at least 128 bits. */
function nonceFindings(directives: ReadonlyMap<string, readonly string[]>): CspFinding[] {
  const findings: CspFinding[] = [];
  for (const [name, values] of directives) {
    for (const value of values) {
      const nonce = NONCE.exec(value)?.[1];
      if (nonce === undefined) continue;
      if (!BASE64_VALUE.test(nonce)) {
        findings.push(finding(CSP_FINDINGS.invalidNonce, `${name} ${value}`, 'use base64 nonces (A–Z a–z 0–9 + / - _, = padding); browsers ignore this one. Aegis generates valid nonces.'));
      } else if (nonce.replace(/=+$/, '').length < MIN_NONCE_CHARS) {
        findings.push(finding(CSP_FINDINGS.shortNonce, `${name} ${value}`, 'use a fresh nonce of at least 128 random bits per response (Aegis uses 144).'));
      }
    }
  }
  return findings;
}

function framingFindings(frameAncestors: readonly string[] | undefined, xFrameOptions: string | undefined): CspFinding[] {
  const option = aegisOption('frame-ancestors');
  if (!frameAncestors) {
    if (xFrameOptions !== undefined && /^(?:deny|sameorigin)$/i.test(xFrameOptions.trim())) return [];
    return [finding(CSP_FINDINGS.missingFrameAncestors, 'no frame-ancestors', `set ${option} to ["'none'"] (or ["'self'"]) in the header.`)];
  }
  const open = frameAncestors.filter((v) => v === '*' || /^https?:$/i.test(v));
  return open.length > 0 ? [finding(CSP_FINDINGS.framingAllowed, show({ name: 'frame-ancestors', values: open }), `set ${option} to ["'none'"], ["'self'"] or the origins that may frame the page.`)] : [];
}

function lower(values: readonly string[]): string[] {
  return values.map((v) => v.toLowerCase());
}

function show(seen: Seen): string {
  return seen.values.length ? `${seen.name} ${seen.values.join(' ')}` : seen.name;
}
