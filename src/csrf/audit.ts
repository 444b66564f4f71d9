import type { ResolvedCsrfOptions } from './options.js';

/** One exemption as `aegis audit csrf` lists it. */
export interface CsrfExemptionAuditRow {
  readonly index: number;
  /** Set for exact-path exemptions. */
  readonly path?: string;
  /** Set for pattern exemptions. */
  readonly route?: string;
  /** Upper-case methods; `['*']` for every method. */
  readonly methods: readonly string[];
  readonly reason: string;
  /** The protection that replaces the CSRF check, or `null` when none is declared. */
  readonly protectedBy: string | null;
  /** True when nothing replaces the CSRF check on this route. */
  readonly unprotected: boolean;
}

/**
 * Lists every CSRF exemption with its reason and replacement protection, flagging those without
 * one (`unprotected: true`).
 *
 * @example
 * auditCsrfExemptions(resolveCsrfOptions(policy.csrf)).filter((row) => row.unprotected)
 */
export function auditCsrfExemptions(resolved: ResolvedCsrfOptions): CsrfExemptionAuditRow[] {
  return resolved.exemptions.map((e) => ({
    index: e.index,
    ...(e.path !== undefined ? { path: e.path } : { route: e.route as string }),
    methods: e.methods ?? ['*'],
    reason: e.reason,
    protectedBy: e.protectedBy ?? null,
    unprotected: e.protectedBy === undefined,
  }));
}

/** How {@link formatCsrfAudit} writes. */
export interface CsrfAuditFormatOptions {
  /** Wraps the `UNPROTECTED` flag, e.g. in a terminal colour. Default: the text as is. */
  readonly flag?: (text: string) => string;
}

/**
 * Plain-text report for `aegis audit csrf`: one block per exemption (index, methods, path or
 * route, reason, replacement protection, and `UNPROTECTED` when there is none), then a summary line.
 * Policy strings are printed on one line each, so they cannot forge report lines.
 *
 * @example
 * process.stdout.write(formatCsrfAudit(auditCsrfExemptions(resolved)));
 */
export function formatCsrfAudit(rows: readonly CsrfExemptionAuditRow[], options: CsrfAuditFormatOptions = {}): string {
  if (rows.length === 0) return 'CSRF exemptions: none. Every unsafe request is checked.\n';
  const flag = options.flag ?? ((text: string) => text);
  const lines: string[] = [`CSRF exemptions: ${rows.length}`];
  for (const row of rows) {
    const target = row.path !== undefined ? `path ${oneLine(row.path)}` : `route ${oneLine(row.route ?? '')}`;
    lines.push(
      '',
      `[${row.index}] ${row.methods.join(',')} ${target}${row.unprotected ? `  ${flag('UNPROTECTED')}` : ''}`,
      `    reason:       ${oneLine(row.reason)}`,
      `    protected by: ${row.protectedBy === null ? '(nothing declared)' : oneLine(row.protectedBy)}`,
    );
  }
  lines.push('', summaryLine(rows));
  return `${lines.join('\n')}\n`;
}

/** `All 2 exemptions declare…`, `1 of 2 exemptions declares no…`. */
function summaryLine(rows: readonly CsrfExemptionAuditRow[]): string {
  const unprotected = rows.filter((r) => r.unprotected).length;
  const total = rows.length === 1 ? '1 exemption' : `${rows.length} exemptions`;
  if (unprotected === 0) return rows.length === 1 ? 'The exemption declares a replacement protection.' : `All ${total} declare a replacement protection.`;
  return `${unprotected} of ${total} ${unprotected === 1 ? 'declares' : 'declare'} no replacement protection: set protectedBy, or remove the exemption.`;
}

/** Keeps a policy string from forging extra report lines. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
