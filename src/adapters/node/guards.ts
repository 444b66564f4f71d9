import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import type { AegisPolicy } from '../../core/policy.js';
import { AegisRejection, type AegisReply } from '../../core/reply.js';
import { readBodyWithin } from '../../core/read-body.js';
import type { RequestState } from '../../core/request.js';
import type { GuardedRequest, GuardOutcome } from '../../guards/request-guards.js';
import { storeFailureAnswered, storeFailureReply } from '../../guards/request-guards.js';
import type { RequestSession } from '../../sessions/session.js';
import { SessionStoreError } from '../../sessions/store-error.js';
import { storeResponseUnderKey } from './idempotent-response.js';
import { sendReply } from './respond.js';

type WithBody = IncomingMessage & { body?: unknown; rawBody?: Buffer; _body?: boolean };

/**
 * Runs the policy's request guards (sessions, CSRF) on a node:http request that passed the
 * pipeline, then calls `proceed`, unless a guard answered. Synchronous when no guard needs the
 * store or the body. @internal
 */
export function runNodeGuards(policy: AegisPolicy, state: RequestState, req: IncomingMessage, res: ServerResponse, proceed: () => void): void {
  const outcome = policy.guard(state, req.headers.cookie, new NodeGuardedRequest(req, state));
  if (state.session) commitWithResponse(policy, state, state.session, res);
  const go = (): void => {
    if (state.responseHeaders) for (const [name, value] of state.responseHeaders) res.setHeader(name, value);
    if (state.idempotency) storeResponseUnderKey(res, state.idempotency, state, policy.events);
    proceed();
  };
  if (outcome === undefined) go();
  else if (!(outcome instanceof Promise)) finish(res, outcome);
  else {
    outcome.then(
      (settled) => (settled === undefined ? go() : finish(res, settled)),
      // Not a store failure (those are answered with 503): a bug. Answered without details.
      (error: unknown) => sendReply(res, internalError(policy, state, 'guard.failed', error)),
    );
  }
}

/** An unexpected error: an event with its message, and a 500 without details for the client. */
function internalError(policy: AegisPolicy, state: RequestState, reason: string, error: unknown): AegisReply {
  policy.emit(state.event('listener.failed', 'error', reason, { detail: { error: error instanceof Error ? error.message : String(error) } }));
  return new AegisRejection(500, 'Internal Server Error', reason, true).toReply();
}

function finish(res: ServerResponse, outcome: Exclude<GuardOutcome, undefined>): void {
  if (outcome !== null) sendReply(res, outcome);
}

class NodeGuardedRequest implements GuardedRequest {
  constructor(
    private readonly req: WithBody,
    private readonly state: RequestState,
  ) {}

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  get body(): unknown {
    return this.req.body;
  }

  /**
   * Reads the form and leaves it where Express's parsers look (`req.body`): the stream is consumed,
   * so `express.urlencoded()` sees a finished request and keeps this body. Parsed like
   * `express.urlencoded({ extended: false })` (node:querystring: repeated keys become arrays).
   */
  async readForm(): Promise<unknown> {
    const raw = await this.readBody();
    return raw === null ? null : this.req.body;
  }

  /**
   * Reads the body once and leaves it where Express's parsers look: the stream is consumed, so
   * `express.json()` / `express.urlencoded()` / `express.raw()` see a finished request and keep
   * this `req.body`: a JSON body parsed (invalid JSON stays bytes, for the application to refuse),
   * an urlencoded form parsed like `express.urlencoded({ extended: false })`, anything else the
   * bytes. The bytes are `req.rawBody` too, for webhook code that checks signatures itself.
   */
  readBody(): Promise<Uint8Array | null> {
    return (this.reading ??= this.readOnce());
  }

  private reading: Promise<Uint8Array | null> | undefined;

  private async readOnce(): Promise<Uint8Array | null> {
    let raw: Buffer | undefined;
    try {
      raw = await readBodyWithin(this.req, this.state.bodyLimit);
    } catch {
      return null; // the connection went away, or the body limit answered 413 and closed it
    }
    if (raw === undefined) return null;
    this.req.rawBody = raw;
    this.req.body = parseBody(raw, this.header('content-type'));
    this.req._body = true;
    return raw;
  }
}

/** The body as Express's parsers would leave it: JSON and urlencoded parsed, other types as bytes. */
function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return parseQueryString(raw.toString('utf8'));
  if (type === 'application/json' || type?.endsWith('+json')) {
    if (raw.length === 0) return {};
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      return raw; // left as bytes: express.json() would answer 400, the application decides here
    }
  }
  return raw;
}

/**
 * Commits the session when the response ends (its data writes are awaited before the response
 * finishes, as express-session does), and sends the session cookie with the headers. A store that
 * fails at commit turns the response into 503 when its headers have not gone out yet; otherwise the
 * response ends as it is and the failure is an event.
 */
function commitWithResponse(policy: AegisPolicy, state: RequestState, session: RequestSession, res: ServerResponse): void {
  const writeHead = res.writeHead;
  const end = res.end;
  res.writeHead = function writeHeadWithCookie(this: ServerResponse, ...args: unknown[]) {
    const cookie = session.cookieForHeaders();
    if (cookie !== undefined) appendSetCookie(this, cookie);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
  let ending = false;
  const response = res;
  res.end = function endAfterCommit(...args: unknown[]) {
    if (ending) return response;
    ending = true;
    session.commit().then(
      ({ setCookie }) => {
        if (setCookie !== undefined && !response.headersSent) appendSetCookie(response, setCookie);
        (end as (...a: unknown[]) => ServerResponse).apply(response, args);
      },
      (error: unknown) => {
        res.end = end;
        res.writeHead = writeHead;
        // Our own 503 for this failure is what is ending: let it go out.
        if (error instanceof SessionStoreError && storeFailureAnswered(error)) {
          (end as (...a: unknown[]) => ServerResponse).apply(response, args);
          return;
        }
        // The application answered something else (its error page, say): our 503 replaces it.
        const reply = error instanceof SessionStoreError ? storeFailureReply(policy.events, state, error) : internalError(policy, state, 'session.commit_failed', error);
        if (response.headersSent) (end as (...a: unknown[]) => ServerResponse).apply(response, args);
        else sendReply(response, reply);
      },
    );
    return response;
  } as ServerResponse['end'];
}

function appendSetCookie(res: ServerResponse, cookie: string): void {
  const existing = res.getHeader('set-cookie');
  if (existing === undefined) res.setHeader('Set-Cookie', cookie);
  else res.setHeader('Set-Cookie', Array.isArray(existing) ? [...(existing as string[]), cookie] : [String(existing), cookie]);
}
