/**
 * The shape every `aegis scan` check reports in, whatever it looks at (TLS, headers, CSP, cookies…).
 * Each area keeps its own table of finding kinds; ids are stable (`AEGIS-SCAN-<AREA>-<NNN>`), never
 * change meaning, and a retired id is not reused.
 */

/** How much a scan finding matters. */
export type ScanSeverity = 'high' | 'medium' | 'low' | 'info';

/** One row of a finding table: what kind of problem, how much it matters. */
export interface FindingKind {
  readonly id: string;
  readonly severity: ScanSeverity;
  readonly title: string;
}

/** One thing a scan check found. */
export interface ScanFinding extends FindingKind {
  /** What was seen: a header and its value, a directive, a handshake result. */
  readonly evidence: string;
  /** What to do, in one line (naming the Aegis option when one exists). */
  readonly fix: string;
}

/** A finding of `kind` with its evidence and fix. */
export function finding(kind: FindingKind, evidence: string, fix: string): ScanFinding {
  return { id: kind.id, severity: kind.severity, title: kind.title, evidence, fix };
}
