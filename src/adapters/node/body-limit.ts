import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from '../../core/events.js';
import { AegisRejection } from '../../core/reply.js';
import type { RequestState } from '../../core/request.js';
import { sendReply } from './respond.js';

/**
 * Counts the body as Node's parser hands it over, so that a chunked body (or one that lies about
 * its Content-Length) is cut off with 413 the moment it passes the limit, whoever reads it and
 * whenever. The request's `push` is wrapped: that is the one place every body byte goes through
 * before any listener, parser or framework sees it. The limit is read from `state` on every chunk,
 * so route middleware can lower it.
 */
export function limitBodyStream(req: IncomingMessage, res: ServerResponse, state: RequestState, events: EventBus): void {
  const { headers } = req;
  // HTTP/1.x: neither header means no body. HTTP/2 has no Transfer-Encoding: any request may
  // stream a body without Content-Length, so it is always counted.
  if (req.httpVersionMajor < 2 && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) return;
  const push = req.push;
  let received = 0;
  let exceeded = false;
  req.push = function pushWithinLimit(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return exceeded ? false : push.call(this, chunk, encoding);
    if (exceeded) return true; // drop the rest
    received += (chunk as { length: number }).length;
    if (received <= state.bodyLimit) return push.call(this, chunk, encoding);
    exceeded = true;
    events.emit(state.event('body.too_large', 'warn', 'body.too_large', { status: 413, detail: { limit: state.bodyLimit, received } }));
    sendReply(res, new AegisRejection(413, 'Payload Too Large', 'body.too_large', true).toReply());
    return true;
  };
}
