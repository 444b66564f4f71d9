import type { AegisEventType, EventBus } from '../core/events.js';
import { AegisRejection, type AegisReply } from '../core/reply.js';
import type { RequestState } from '../core/request.js';

/** An error's message for an event's `detail`, clipped to 200 characters. @internal */
export function failureText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/**
 * The answer when a store a guard needs has failed (sessions, rate limits, nonces, idempotency
 * keys): a `type` event (level error, reason `store.unavailable`, the cause's message) and
 * `503 Service Unavailable: <what> unavailable` with `Retry-After: 5`. @internal
 */
export function storeUnavailable(events: EventBus, state: RequestState, type: AegisEventType, what: string, cause: unknown): AegisReply {
  events.emit(state.event(type, 'error', 'store.unavailable', { status: 503, detail: { error: failureText(cause) } }));
  return new AegisRejection(503, `Service Unavailable: ${what} unavailable`, type, false, [['Retry-After', '5']]).toReply();
}
