import { finding, type ScanFinding } from '../finding.js';
import { HEADER_FINDINGS } from './findings.js';
import type { ReceivedHeader } from './header-list.js';

/**
 * What a header gives away. `software` names a product (and often its version, which is then
 * checked); `internals` exposes hosts, routing, tracing or timing inside the deployment; `debug`
 * points at source maps or local source files.
 */
export type LeakKind = 'software' | 'internals' | 'debug';

/** One header that should not reach the client. */
export interface LeakingHeader {
  readonly name: string;
  readonly kind: LeakKind;
  /** `owasp`: on the OWASP Secure Headers Project's list of headers to remove; `aegis`: added here. */
  readonly source: 'owasp' | 'aegis';
}

const owasp = (kind: LeakKind, names: readonly string[]): LeakingHeader[] => names.map((name) => ({ name, kind, source: 'owasp' }));
const aegis = (kind: LeakKind, names: readonly string[]): LeakingHeader[] => names.map((name) => ({ name, kind, source: 'aegis' }));

/**
 * Headers a production response should not carry: they help an attacker fingerprint the stack or
 * map the deployment, and no browser needs them. Based on the OWASP Secure Headers Project's list
 * (`ci/headers_remove.json`, July 2024), except its `$wsep` entry, which is not a header name;
 * `aegis` entries are common framework headers of the same kind missing from that list. `Via` is
 * left out: HTTP requires proxies to send it (RFC 9110 §7.6.3).
 * @see https://owasp.org/www-project-secure-headers/#div-bestpractices
 */
export const LEAKING_HEADERS: readonly LeakingHeader[] = [
  ...owasp('software', [
    'Server', 'X-Powered-By', 'Powered-By', 'X-AspNet-Version', 'X-AspNetMvc-Version', 'X-Php-Version', 'X-Generator', 'X-Generated-By',
    'X-CMS', 'X-Powered-CMS', 'X-Framework', 'Product', 'Liferay-Portal', 'OracleCommerceCloud-Version', 'X-Cocoon-Version',
    'X-OWA-Version', 'X-Umbraco-Version', 'X-Jitsi-Release', 'X-CF-Powered-By', 'X-Powered-By-Plesk', 'X-Server-Powered-By',
    'X-Content-Encoded-By', 'X-Redirect-By', 'X-Turbo-Charged-By', 'X-Mod-Pagespeed', 'X-Page-Speed',
  ]),
  ...aegis('software', ['X-Version', 'X-Drupal-Cache', 'X-Drupal-Dynamic-Cache']),
  ...owasp('internals', [
    'Host-Header', 'K-Proxy-Request', 'Pega-Host', 'X-BEServer', 'X-FEServer', 'X-CalculatedBETarget', 'X-DiagInfo',
    'X-B3-TraceId', 'X-B3-SpanId', 'X-B3-ParentSpanId', 'X-B3-Sampled',
    'X-Envoy-Attempt-Count', 'X-Envoy-External-Address', 'X-Envoy-Internal', 'X-Envoy-Original-Dst-Host', 'X-Envoy-Upstream-Service-Time',
    'X-Atmosphere-error', 'X-Atmosphere-first-request', 'X-Atmosphere-tracking-id',
    'X-Kubernetes-PF-FlowSchema-UI', 'X-Kubernetes-PF-PriorityLevel-UID',
    'X-LiteSpeed-Cache', 'X-LiteSpeed-Purge', 'X-LiteSpeed-Tag', 'X-LiteSpeed-Vary', 'X-Litespeed-Cache-Control',
    'X-Nextjs-Cache', 'X-Nextjs-Matched-Path', 'X-Nextjs-Page', 'X-Nextjs-Redirect',
    'X-Varnish-Backend', 'X-Varnish-Server', 'X-Old-Content-Length',
    'X-OneAgent-JS-Injection', 'X-dtAgentId', 'X-dtHealthCheck', 'X-dtInjectedServlet', 'X-ruxit-JS-Agent',
  ]),
  ...aegis('internals', ['X-Runtime', 'X-Backend-Server']),
  ...owasp('debug', ['SourceMap', 'X-SourceMap', 'X-SourceFiles']),
];

const BY_NAME = new Map(LEAKING_HEADERS.map((header) => [header.name.toLowerCase(), header]));
/** Aegis removes these by default (`headers.removed`). */
const REMOVED_BY_DEFAULT = new Set(['server', 'x-powered-by']);

/**
 * A version number in a product value: `nginx/1.18.0`, `PHP/8.1`, `Drupal 10`, `4.0.30319`,
 * `v2`; not `Express`, `ASP.NET`, or the `7F84` of `ECS (dcb/7F84)`.
 */
export const VERSION = /(?:^|[\s/(:-])v?\d+(?:\.\d+)*(?![\w])/i;

/**
 * One finding per leaking header line: `medium` when a `software` header carries a version number,
 * `info` for a `Server` that only names the product (almost every site sends one), `low` otherwise.
 * @example evaluateInfoLeaks([['Server', 'nginx/1.18.0']])[0]?.id // 'AEGIS-SCAN-HDR-031'
 */
export function evaluateInfoLeaks(headers: readonly ReceivedHeader[]): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const [name, raw] of headers) {
    const key = name.toLowerCase();
    const leaking = BY_NAME.get(key);
    if (!leaking) continue;
    const value = raw.trim();
    const evidence = `${name}: ${value}`;
    const fix = REMOVED_BY_DEFAULT.has(key)
      ? `Aegis removes ${leaking.name} by default (headers.removed), so something in front of or after it adds it: remove it there (proxy, framework, server config).`
      : `remove it: add '${leaking.name}' to headers.removed, or turn it off where it is set.`;
    if (leaking.kind === 'software' && VERSION.test(value)) findings.push(finding(HEADER_FINDINGS.versionDisclosed, evidence, fix));
    else if (key === 'server') findings.push(finding(HEADER_FINDINGS.serverProduct, evidence, fix));
    else findings.push(finding(HEADER_FINDINGS.stackHeader, evidence, fix));
  }
  return findings;
}
