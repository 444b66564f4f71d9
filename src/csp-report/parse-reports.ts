import { clip } from '../core/events.js';

/** One CSP violation, normalised from either report format, safe to log. */
export interface CspViolation {
  /** Page where it happened (query and fragment removed: they can carry tokens). */
  readonly documentURL: string;
  /** What was blocked: a URL (query removed), or `inline`, `eval`, `data`, … */
  readonly blockedURL: string;
  readonly effectiveDirective: string;
  /** `enforce` or `report`. */
  readonly disposition: string;
  readonly sourceFile?: string;
  readonly lineNumber?: number;
  readonly columnNumber?: number;
  /** The first characters of the blocked code, when the policy asks for `'report-sample'`. */
  readonly sample?: string;
  readonly statusCode?: number;
}

const MAX_REPORTS_PER_BODY = 100;

/**
 * Parses a report body: `application/csp-report` (`{"csp-report": {…}}`, from `report-uri`) or
 * `application/reports+json` (`[{"type": "csp-violation", "body": {…}}]`, from `report-to`).
 * Returns `undefined` when the body is not a report of either kind.
 */
export function parseCspReports(text: string): CspViolation[] | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(data)) {
    const reports = data.slice(0, MAX_REPORTS_PER_BODY).filter(isRecord);
    const violations = reports.filter((r) => r.type === 'csp-violation' && isRecord(r.body)).map((r) => fromReportingApi(r.body as Record<string, unknown>));
    return reports.length === data.length || violations.length > 0 ? violations : undefined;
  }
  if (isRecord(data) && isRecord(data['csp-report'])) return [fromLegacy(data['csp-report'])];
  return undefined;
}

function fromReportingApi(body: Record<string, unknown>): CspViolation {
  return build({
    documentURL: body.documentURL,
    blockedURL: body.blockedURL,
    effectiveDirective: body.effectiveDirective,
    disposition: body.disposition,
    sourceFile: body.sourceFile,
    lineNumber: body.lineNumber,
    columnNumber: body.columnNumber,
    sample: body.sample,
    statusCode: body.statusCode,
  });
}

function fromLegacy(report: Record<string, unknown>): CspViolation {
  return build({
    documentURL: report['document-uri'],
    blockedURL: report['blocked-uri'],
    effectiveDirective: report['effective-directive'] ?? report['violated-directive'],
    disposition: report.disposition ?? 'enforce',
    sourceFile: report['source-file'],
    lineNumber: report['line-number'],
    columnNumber: report['column-number'],
    sample: report['script-sample'],
    statusCode: report['status-code'],
  });
}

function build(raw: Record<keyof CspViolation, unknown>): CspViolation {
  const violation: Record<string, string | number> = {
    documentURL: safeUrl(raw.documentURL),
    blockedURL: safeUrl(raw.blockedURL),
    effectiveDirective: text(raw.effectiveDirective, 64),
    disposition: text(raw.disposition, 16),
  };
  if (typeof raw.sourceFile === 'string' && raw.sourceFile) violation.sourceFile = safeUrl(raw.sourceFile);
  for (const key of ['lineNumber', 'columnNumber', 'statusCode'] as const) {
    const value = raw[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) violation[key] = value;
  }
  if (typeof raw.sample === 'string' && raw.sample) violation.sample = clip(raw.sample, 40);
  return violation as unknown as CspViolation;
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? clip(value, max) : '';
}

/** Drops query string and fragment, which can carry session tokens or personal data. */
function safeUrl(value: unknown): string {
  if (typeof value !== 'string') return '';
  const cut = value.search(/[?#]/);
  return clip(cut === -1 ? value : value.slice(0, cut), 300);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
