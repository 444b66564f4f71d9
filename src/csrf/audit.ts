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

/**
 * Plain-text report for `aegis audit csrf`: one block per exemption, then a summary line.
 *
 * @example
 * process.stdout.write(formatCsrfAudit(auditCsrfExemptions(resolved)));
 */
export function formatCsrfAudit(rows: readonly CsrfExemptionAuditRow[]): string {
  if (rows.length === 0) return 'CSRF exemptions: none. Every unsafe request is checked.\n';
  const lines: string[] = [`CSRF exemptions: ${rows.length}`];
  for (const row of rows) {
    const target = row.path !== undefined ? `path ${row.path}` : `route ${row.route ?? ''}`;
    lines.push(
      '',
      `[${row.index}] ${row.methods.join(',')} ${target}${row.unprotected ? '  UNPROTECTED' : ''}`,
      `    reason:       ${oneLine(row.reason)}`,
      `    protected by: ${row.protectedBy === null ? '(nothing declared)' : oneLine(row.protectedBy)}`,
    );
  }
  const unprotected = rows.filter((r) => r.unprotected).length;
  lines.push('', unprotected === 0 ? 'All exemptions declare a replacement protection.' : `${unprotected} of ${rows.length} exemptions declare no replacement protection (set protectedBy).`);
  return `${lines.join('\n')}\n`;
}

/** Keeps a policy string from forging extra report lines. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
