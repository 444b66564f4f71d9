import { randomUUID } from 'node:crypto';
import { createNonce } from '../headers/nonce.js';
import type { HeaderPair, HeaderPlan } from '../headers/plan.js';
import { normalisePeer } from '../transport/ip.js';
import type { RequestSession } from '../sessions/session.js';
import type { ApiKeyIdentity } from '../transport/api-key-guard.js';
import type { HeldIdempotencyKey } from '../guards/idempotency-guard.js';
import type { CompiledRoute } from './compile-policy.js';
import type { AegisEvent, AegisEventType, EventLevel } from './events.js';

/**
 * What an adapter tells the core about a request: the framework-free contract every adapter
 * implements (node:http, Express, and later Fastify and fetch/Hono). Keep it small and cheap.
 */
export interface RequestView {
  readonly method: string;
  /** The request target as received: `/path?query`, or absolute-form `http://host/path`. */
  readonly target: string;
  /** The connecting peer's address (before any proxy resolution). */
  readonly remoteAddress: string | undefined;
  /** True when the connection itself is TLS. */
  readonly encrypted: boolean;
  /** One header by lower-case name; repeated headers joined with `, `. */
  header(name: string): string | undefined;
  /** How many Host header lines arrived (0, 1, or more). */
  hostCount(): number;
  /** How many header lines arrived in all (HTTP/2 pseudo-headers not counted). */
  headerCount(): number;
  /**
   * The header block's size where the server did not already bound it (HTTP/2: names, values and
   * 32 bytes per field, as SETTINGS_MAX_HEADER_LIST_SIZE counts them); `undefined` for HTTP/1,
   * whose parser enforces the limit itself.
   */
  headerBytes(): number | undefined;
}

/**
 * What Aegis knows about a request, given to the application (`res.locals.aegis`,
 * `getAegisContext(req)`): the verified client, the CSP nonce, the request id.
 */
export interface AegisContext {
  /** A UUID for this request, for logs and events (created on first use). */
  readonly requestId: string;
  /** The client's IP: the connecting peer, or what trusted proxies report. */
  readonly clientIp: string;
  /** The scheme the client used. */
  readonly protocol: 'http' | 'https';
  /** True when the client used HTTPS (directly or via a trusted proxy). */
  readonly secure: boolean;
  /** The host the client asked for, lower-case, without the port (checked against the allowlist). */
  readonly host: string;
  /** This request's CSP nonce: put it in `<script nonce="…">`. */
  readonly cspNonce: string;
  /** The request path, without the query string. */
  readonly path: string;
  /** The body size limit in bytes for this request. */
  readonly bodyLimit: number;
  /** The API key the request authenticated with, on routes that require one (`routes[].apiKey`). */
  readonly apiKey: ApiKeyIdentity | undefined;
  /** The key id of a verified request signature, on routes that require one (`routes[].signature`). */
  readonly signedBy: string | undefined;
  /** This request's session, when the policy has `sessions` (lazy: nothing is read until used). */
  readonly session: RequestSession | undefined;
  /**
   * This session's CSRF token, made on first use (and stored with the session): put it in forms
   * or send it as the `x-csrf-token` header. Rejects when the policy has no sessions.
   */
  csrfToken(): Promise<string>;
  /** `<input type="hidden" name="_csrf" value="…">` with this session's token, HTML-escaped. */
  csrfField(): Promise<string>;
}

/** How the CSRF token of a session is read and rendered (installed by the policy). @internal */
export interface CsrfTokenSource {
  token(session: RequestSession): Promise<string>;
  field(token: string): string;
}

/** Per-request state: the public context plus what adapters need to finish the job. @internal */
export class RequestState implements AegisContext {
  private nonce: string | undefined;
  private id: string | undefined;
  /** Set by the adapter when the policy has sessions. */
  session: RequestSession | undefined = undefined;
  /** Set with `session`. */
  tokens: CsrfTokenSource | undefined = undefined;
  /** CORS headers to add to the application's response (`Vary` to be merged), when the policy has `cors`. */
  corsHeaders: readonly HeaderPair[] | undefined = undefined;
  /** Set by the pipeline on routes that require an API key. */
  apiKey: ApiKeyIdentity | undefined = undefined;
  /** Headers the request guards add to the application's response (the RateLimit fields). */
  responseHeaders: readonly HeaderPair[] | undefined = undefined;
  /** The matched route's overrides, set by the pipeline. */
  route: CompiledRoute | undefined = undefined;
  /** The request target as received (path and query), set by the pipeline. */
  target = '';
  /** Set by the signature guard once the request's signature is verified. */
  signedBy: string | undefined = undefined;
  /** Set by the idempotency guard when this request holds a key: the adapter stores the response under it. */
  idempotency: HeldIdempotencyKey | undefined = undefined;

  /**
   * @param ip the client's address when trusted proxies reported it; otherwise it is read from
   * `peer` on first use (asking the socket for its peer is a system call most requests never need).
   */
  constructor(
    readonly method: string,
    readonly path: string,
    private ip: string | undefined,
    private readonly peer: { readonly remoteAddress: string | undefined },
    readonly protocol: 'http' | 'https',
    readonly host: string,
    /** The port the client asked for (Host header or trusted proxy), when it gave one. */
    readonly port: number | undefined,
    /** Mutable: route-level middleware may lower it. */
    public bodyLimit: number,
    /** The response headers for this request's route; route-level middleware may replace it. */
    public plan: HeaderPlan,
    incomingId?: string,
  ) {
    this.id = incomingId;
  }

  /** The query string without `?` (`''` when none). */
  get query(): string {
    const mark = this.target.indexOf('?');
    return mark === -1 ? '' : this.target.slice(mark + 1);
  }

  get clientIp(): string {
    return (this.ip ??= normalisePeer(this.peer.remoteAddress));
  }

  get secure(): boolean {
    return this.protocol === 'https';
  }

  get cspNonce(): string {
    return (this.nonce ??= createNonce());
  }

  get requestId(): string {
    return (this.id ??= randomUUID());
  }

  /** The Host as the client wrote it, normalised: `name[:port]`, IPv6 in brackets. */
  get authority(): string {
    const name = this.host.includes(':') ? `[${this.host}]` : this.host;
    return this.port === undefined ? name : `${name}:${this.port}`;
  }

  csrfToken(): Promise<string> {
    if (!this.session || !this.tokens) return Promise.reject(new Error('aegis: csrfToken() needs sessions: add sessions: { store, secrets } to the policy.'));
    return this.tokens.token(this.session);
  }

  async csrfField(): Promise<string> {
    const token = await this.csrfToken();
    return (this.tokens as CsrfTokenSource).field(token);
  }

  /** An event about this request: its id, client, method and path, plus what happened. */
  event(type: AegisEventType, level: EventLevel, reason: string, extra: { status?: number; detail?: Readonly<Record<string, unknown>> } = {}): AegisEvent {
    return { type, level, time: Date.now(), requestId: this.requestId, ip: this.clientIp, method: this.method, path: this.path, reason, ...extra };
  }
}
