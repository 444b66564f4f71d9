import type { EventBus } from '../core/events.js';
import { readBodyWithin } from '../core/read-body.js';
import { AegisRejection, emptyReply, type AegisReply } from '../core/reply.js';
import type { RequestState } from '../core/request.js';
import { WindowCounter } from '../core/window-counter.js';
import { parseCspReports } from './parse-reports.js';
import type { ResolvedReporting } from './reporting-options.js';

const REPORT_TYPES = new Set(['application/csp-report', 'application/reports+json', 'application/json']);

/**
 * The built-in CSP report endpoint: accepts `POST` with `application/csp-report` or
 * `application/reports+json`, bounded in body size and rate per client, and turns each violation
 * into a `csp.violation` event. Answers 204; 405, 413, 415, 429 or 400 otherwise.
 */
export class CspReportEndpoint {
  readonly path: string;
  private readonly counter: WindowCounter;
  private readonly maxBodySize: number;

  constructor(
    settings: NonNullable<ResolvedReporting['endpoint']>,
    private readonly events: EventBus,
  ) {
    this.path = settings.path;
    this.maxBodySize = settings.maxBodySize;
    this.counter = new WindowCounter(settings.rate.max, settings.rate.windowMs);
  }

  /** Handles one request to the endpoint; never throws. */
  async receive(state: RequestState, request: { contentType: string | undefined; contentLength: string | undefined; body: AsyncIterable<Uint8Array | string> }): Promise<AegisReply> {
    try {
      return await this.accept(state, request);
    } catch (error) {
      const rejection = error instanceof AegisRejection ? error : new AegisRejection(400, 'Bad Request', 'csp_report.unreadable', true);
      this.reject(state, rejection);
      return rejection.toReply();
    }
  }

  private async accept(state: RequestState, request: { contentType: string | undefined; contentLength: string | undefined; body: AsyncIterable<Uint8Array | string> }): Promise<AegisReply> {
    if (state.method !== 'POST') {
      throw new AegisRejection(405, 'Method Not Allowed', 'csp_report.method', false, [['Allow', 'POST']]);
    }
    const retryAfter = this.counter.hit(state.clientIp);
    if (retryAfter > 0) {
      throw new AegisRejection(429, 'Too Many Requests', 'csp_report.rate', true, [['Retry-After', String(retryAfter)]]);
    }
    const type = (request.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!REPORT_TYPES.has(type)) throw new AegisRejection(415, 'Unsupported Media Type', 'csp_report.content_type', true);
    if (request.contentLength !== undefined && Number(request.contentLength) > this.maxBodySize) {
      throw new AegisRejection(413, 'Payload Too Large', 'csp_report.too_large', true);
    }
    const body = await readBodyWithin(request.body, this.maxBodySize);
    if (!body) throw new AegisRejection(413, 'Payload Too Large', 'csp_report.too_large', true);
    const violations = parseCspReports(body.toString('utf8'));
    if (!violations) throw new AegisRejection(400, 'Bad Request', 'csp_report.malformed');
    for (const violation of violations) {
      const reason = violation.disposition === 'report' ? 'csp.reported' : 'csp.blocked';
      this.events.emit(state.event('csp.violation', 'warn', reason, { detail: violation as unknown as Record<string, unknown> }));
    }
    return emptyReply(204, []);
  }

  private reject(state: RequestState, rejection: AegisRejection): void {
    this.events.emit(state.event('csp.report_rejected', 'info', rejection.reason, { status: rejection.status }));
  }
}
