import { randomUUID } from 'node:crypto';
import { createNonce } from '../headers/nonce.js';
import type { HeaderPlan } from '../headers/plan.js';
import { normalisePeer } from '../transport/ip.js';
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
}

/** Per-request state: the public context plus what adapters need to finish the job. @internal */
export class RequestState implements AegisContext {
  private nonce: string | undefined;
  private id: string | undefined;

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
    /** Mutable: route-level middleware may lower it. */
    public bodyLimit: number,
    /** The response headers for this request's route; route-level middleware may replace it. */
    public plan: HeaderPlan,
    incomingId?: string,
  ) {
    this.id = incomingId;
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

  /** An event about this request: its id, client, method and path, plus what happened. */
  event(type: AegisEventType, level: EventLevel, reason: string, extra: { status?: number; detail?: Readonly<Record<string, unknown>> } = {}): AegisEvent {
    return { type, level, time: Date.now(), requestId: this.requestId, ip: this.clientIp, method: this.method, path: this.path, reason, ...extra };
  }
}
