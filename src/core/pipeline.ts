import { randomUUID } from 'node:crypto';
import type { CspReportEndpoint } from '../csp-report/report-endpoint.js';
import { parseHost, type ParsedHost } from '../transport/host-syntax.js';
import { normalisePeer } from '../transport/ip.js';
import type { CompiledPolicy } from './compile-policy.js';
import { clip, type AegisEventType, type EventBus } from './events.js';
import { memoise } from './memo.js';
import { decideCors, type CorsDecision } from '../cors/decide.js';
import { checkApiKey, type ApiKeyIdentity } from '../transport/api-key-guard.js';
import { checkInternalSecret } from '../transport/internal-secret.js';
import { AegisRejection, emptyReply, type AegisReply } from './reply.js';
import { RequestState, type RequestView } from './request.js';

/** What an adapter must do with a request. */
export type Outcome =
  /** Pass the request on: apply `state.plan`'s headers, then call the application. */
  | { readonly kind: 'continue'; readonly state: RequestState }
  /** Send this reply and stop (a rejection or a redirect). */
  | { readonly kind: 'reply'; readonly reply: AegisReply }
  /** A built-in endpoint (CSP reports): hand it the body. */
  | { readonly kind: 'endpoint'; readonly state: RequestState; readonly endpoint: CspReportEndpoint };

const parseHostOnce = memoise(parseHost);

/** Emits the event for a refused request and builds the reply (the connection closes, except on 421). */
function refuse(
  events: EventBus,
  method: string,
  status: number,
  message: string,
  reason: string,
  type: AegisEventType,
  ip: string,
  path: string,
  detail?: Record<string, unknown>,
): Outcome {
  events.emit({ type, level: 'warn', time: Date.now(), requestId: randomUUID(), ip, method, path, status, reason, ...(detail && { detail }) });
  return { kind: 'reply', reply: new AegisRejection(status, message, reason, status !== 421).toReply() };
}

/** The client's address: as trusted proxies reported it, else the connecting peer's (a system call, so only when needed). */
function clientIpOf(reported: string | undefined, view: RequestView): string {
  return reported ?? normalisePeer(view.remoteAddress);
}

/**
 * Runs the request guards in their fixed order — request target, header count, trusted proxy,
 * Host, route, HTTPS redirect, CORS, Content-Length — and says what the adapter must do.
 * Nothing here parses configuration: it reads what {@link compilePolicy} prepared.
 * @internal
 */
export function inspectRequest(policy: CompiledPolicy, events: EventBus, reports: CspReportEndpoint | undefined, view: RequestView): Outcome {
  const { method, target } = view;

  // 1. Request target: origin-form, absolute-form (whose authority replaces Host), or `*`.
  let path: string;
  let authority: string | undefined;
  if (target.charCodeAt(0) === 47 /* / */) {
    const query = target.indexOf('?');
    path = query === -1 ? target : target.slice(0, query);
  } else {
    const absolute = /^https?:\/\/([^/?#]*)([^?#]*)/i.exec(target);
    if (absolute) {
      authority = absolute[1] ?? '';
      path = absolute[2] || '/';
    } else if (target === '*' && method === 'OPTIONS') path = '*';
    else return refuse(events, method, 400, 'Bad Request', 'target.malformed', 'request.rejected', normalisePeer(view.remoteAddress), '');
  }

  // 2. Header count, and size where the server has not bounded it (HTTP/1's parser has).
  if (view.headerCount() > policy.limits.headerCount) {
    // The server stops counting one past the limit (maxHeadersCount), so only the limit is reported.
    return refuse(events, method, 431, 'Request Header Fields Too Large', 'headers.too_many', 'headers.too_many', normalisePeer(view.remoteAddress), path, { limit: policy.limits.headerCount });
  }
  const headerBytes = view.headerBytes();
  if (headerBytes !== undefined && headerBytes > policy.limits.headerSize) {
    return refuse(events, method, 431, 'Request Header Fields Too Large', 'headers.too_large', 'client.error', normalisePeer(view.remoteAddress), path, { limit: policy.limits.headerSize });
  }

  // 3. Trusted proxies: only they may say who the client is, which scheme and which host it used.
  // Without proxies, the peer address is read only if something needs it (an event, the context).
  const forwarded = policy.proxy?.resolve(view.remoteAddress, (name) => view.header(name));
  const peerIp = forwarded?.clientIp;
  const protocol = forwarded?.protocol ?? (view.encrypted ? 'https' : 'http');

  // 4. Host: exactly one, well-formed, and on the allowlist.
  const hostCount = view.hostCount();
  if (hostCount > 1) return refuse(events, method, 400, 'Bad Request: duplicate Host header', 'host.duplicate', 'host.rejected', clientIpOf(peerIp, view), path);
  const hostHeader = view.header('host');
  if (authority === undefined && (hostHeader === undefined || hostHeader === '')) {
    return refuse(events, method, 400, 'Bad Request: missing Host header', 'host.missing', 'host.rejected', clientIpOf(peerIp, view), path);
  }
  let host: ParsedHost | undefined = hostHeader ? parseHostOnce(hostHeader) : undefined;
  if (hostHeader && !host) return refuse(events, method, 400, 'Bad Request: invalid Host header', 'host.malformed', 'host.rejected', clientIpOf(peerIp, view), path, { host: clip(hostHeader, 100) });
  const claimed = authority ?? forwarded?.host;
  if (claimed !== undefined) {
    host = parseHostOnce(claimed);
    if (!host) return refuse(events, method, 400, 'Bad Request: invalid host', 'host.malformed', 'host.rejected', clientIpOf(peerIp, view), path, { host: clip(claimed, 100) });
  }
  const effectiveHost = host as ParsedHost;
  if (policy.hosts && !policy.hosts.allows(effectiveHost)) {
    const reason = effectiveHost.ip ? 'host.ip_literal' : 'host.not_allowed';
    return refuse(events, method, 421, 'Misdirected Request: this server does not serve that host', reason, 'host.rejected', clientIpOf(peerIp, view), path, { host: clip(claimed ?? hostHeader ?? '', 100) });
  }

  // 5. Route overrides.
  const route = policy.routes?.match(method, path);
  const bodyLimit = route ? route.bodyLimit : policy.limits.body;
  if (route?.ips) {
    const ip = clientIpOf(peerIp, view);
    const refusal = route.ips.check(ip);
    if (refusal) return refuse(events, method, 403, 'Forbidden', refusal, 'ip.rejected', ip, path);
  }
  if (route?.internal) {
    const refusal = checkInternalSecret(policy.internalSecret, (name) => view.header(name));
    if (refusal === 'internal.not_configured') return refuse(events, method, 503, 'Service Unavailable', refusal, 'internal.rejected', clientIpOf(peerIp, view), path);
    if (refusal) return refuse(events, method, 403, 'Forbidden', refusal, 'internal.rejected', clientIpOf(peerIp, view), path);
  }
  let apiKey: ApiKeyIdentity | undefined;
  if (route?.apiKey && policy.apiKeys) {
    const checked = checkApiKey(policy.apiKeys, route.apiKey, (name) => view.header(name));
    if (!checked.ok) {
      events.emit({ type: 'apikey.rejected', level: 'warn', time: Date.now(), ip: clientIpOf(peerIp, view), method, path, status: checked.status, reason: checked.reason });
      const text = checked.status === 401 ? 'Unauthorized' : 'Forbidden';
      return { kind: 'reply', reply: new AegisRejection(checked.status, text, checked.reason, false, checked.headers).toReply() };
    }
    apiKey = checked.identity;
  }

  // 6. HTTPS redirect, only ever to an allowed (or the configured) host.
  if (protocol === 'http' && policy.redirect) {
    const reply = policy.redirect.redirect(method, effectiveHost.hostname, target, path);
    if (reply) {
      events.emit({ type: 'https.redirected', level: 'info', time: Date.now(), ip: clientIpOf(peerIp, view), method, path, status: reply.status, reason: 'https.required' });
      return { kind: 'reply', reply };
    }
  }

  // 7. CORS: preflights are answered here; other requests get their headers added to the response.
  let cors: CorsDecision | undefined;
  if (policy.cors) {
    cors = decideCors(policy.cors, view);
    if (cors.kind === 'preflight') return { kind: 'reply', reply: emptyReply(204, cors.headers) };
    if (cors.kind === 'refused') {
      events.emit({ type: 'cors.rejected', level: 'warn', time: Date.now(), ip: clientIpOf(peerIp, view), method, path, status: 403, reason: cors.reason, detail: { origin: clip(view.header('origin') ?? '', 100) } });
      return { kind: 'reply', reply: new AegisRejection(403, 'Forbidden: CORS preflight refused', `cors.${cors.reason}`, false, cors.headers).toReply() };
    }
  }

  // 8. A declared body larger than the limit is refused before anything reads it.
  const contentLength = view.header('content-length');
  if (contentLength !== undefined && Number(contentLength) > bodyLimit) {
    return refuse(events, method, 413, 'Payload Too Large', 'body.too_large', 'body.too_large', clientIpOf(peerIp, view), path, { limit: bodyLimit, declared: Number(contentLength) });
  }

  const state = new RequestState(method, path, peerIp, view, protocol, effectiveHost.hostname, effectiveHost.port, bodyLimit, route ? route.plan : policy.plan);
  if (cors?.kind === 'actual') state.corsHeaders = cors.headers;
  if (apiKey) state.apiKey = apiKey;
  if (route) state.route = route;
  state.target = target;
  if (reports !== undefined && path === reports.path) return { kind: 'endpoint', state, endpoint: reports };
  return { kind: 'continue', state };
}
