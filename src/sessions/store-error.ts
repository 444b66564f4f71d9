/**
 * A session store that failed (Redis down, SQLite file locked or unreadable). Adapters answer
 * `503 Service Unavailable` and emit `session.store_failed`; the store's own error is kept as
 * `cause` for the application's logs and never sent to the client. `status` and `statusCode` let
 * Express's and Fastify's error handlers pick the right status without Aegis-specific code.
 */
export class SessionStoreError extends Error {
  override readonly name = 'SessionStoreError';
  readonly status = 503;
  readonly statusCode = 503;
  /** Express: do not show this message to the client. */
  readonly expose = false;

  constructor(cause: unknown) {
    super('the session store is unavailable', { cause });
  }
}
