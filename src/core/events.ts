/**
 * Security events: every rejection (and a few notable decisions) becomes one structured event,
 * delivered to listeners registered with `policy.on()` and, when given, to a pino-style logger.
 * Events carry the request id, client IP, method and path — never a credential, a cookie, a body,
 * a query string or a secret. The one attacker-supplied value they may carry is the refused Host,
 * clipped and stripped of control characters, because triage needs it.
 */

/** Event names emitted by this version (see the README's guard table for their reasons). */
export type AegisEventType =
  | 'host.rejected'
  | 'request.rejected'
  | 'body.too_large'
  | 'headers.too_many'
  | 'https.redirected'
  | 'csp.violation'
  | 'csp.report_rejected'
  | 'client.error'
  | 'listener.failed'
  | 'tls.expiring'
  | 'tls.reloaded'
  | 'tls.reload_failed'
  | 'server.shutdown_forced'
  | 'session.invalid'
  | 'session.revoked'
  | 'session.store_failed'
  | 'csrf.rejected'
  | 'cors.rejected'
  | 'ratelimit.exceeded'
  | 'ratelimit.store_failed'
  | 'ip.rejected'
  | 'internal.rejected'
  | 'rbac.denied'
  | 'apikey.rejected'
  | 'signature.invalid'
  | 'replay.detected'
  | 'replay.store_failed'
  | 'idempotency.rejected'
  | 'idempotency.replayed'
  | 'idempotency.not_stored'
  | 'idempotency.store_failed'
  | (string & {});

/** How a log sink should file the event. */
export type EventLevel = 'info' | 'warn' | 'error';

/** One security event. */
export interface AegisEvent {
  readonly type: AegisEventType;
  readonly level: EventLevel;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly requestId?: string;
  readonly ip?: string;
  readonly method?: string;
  /** Path only: the query string can carry tokens. */
  readonly path?: string;
  /** Status sent to the client, when the event ended the request. */
  readonly status?: number;
  /** Machine-readable cause, e.g. `host.not_allowed`. */
  readonly reason: string;
  /** Extra facts, already made safe (truncated, no secrets). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** The subset of a pino (or bunyan, or console-like) logger Aegis writes to. */
export interface EventLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export type EventListener = (event: AegisEvent) => void;

/** Routes events to listeners; a failing listener never breaks a request. @internal */
export class EventBus {
  private readonly listeners = new Map<string, EventListener[]>();
  private logger: EventLogger | undefined;
  private reportedFailure = false;

  constructor(logger?: EventLogger) {
    this.logger = logger;
  }

  /** Listens to one event type, or to all with `'*'`. Returns a function that stops listening. */
  on(type: AegisEventType | '*', listener: EventListener): () => void {
    const list = this.listeners.get(type) ?? [];
    this.listeners.set(type, [...list, listener]);
    return () => {
      const rest = (this.listeners.get(type) ?? []).filter((l) => l !== listener);
      if (rest.length > 0) this.listeners.set(type, rest);
      else this.listeners.delete(type);
    };
  }

  emit(event: AegisEvent): void {
    if (this.logger) this.deliver(() => this.logger?.[event.level]({ aegis: event }, event.type));
    for (const listener of this.listeners.get(event.type) ?? []) this.deliver(() => listener(event));
    for (const listener of this.listeners.get('*') ?? []) this.deliver(() => listener(event));
  }

  /** True when nobody listens: callers may skip building the event. */
  get silent(): boolean {
    return this.logger === undefined && this.listeners.size === 0;
  }

  private deliver(send: () => void): void {
    try {
      send();
    } catch (error) {
      if (this.reportedFailure) return;
      this.reportedFailure = true;
      const message = error instanceof Error ? error.message : String(error);
      process.emitWarning(`An Aegis event listener threw (${message}); further failures are not reported.`, 'AegisWarning');
    }
  }
}

/** Shortens attacker-supplied text for an event: at most `max` characters, control characters replaced. */
export function clip(value: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
