import type { Finding, Severity } from './catalogue.js';

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Findings at or above a severity. */
export function atLeast(findings: readonly Finding[], severity: Severity): Finding[] {
  return findings.filter((finding) => ORDER[finding.severity] <= ORDER[severity]);
}

/** Colours for a terminal, or none. */
export interface Palette {
  readonly error: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly info: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const plain = (text: string) => text;
export const NO_COLOUR: Palette = { error: plain, warning: plain, info: plain, dim: plain, bold: plain };
const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
export const ANSI_COLOUR: Palette = { error: ansi(31), warning: ansi(33), info: ansi(36), dim: ansi(2), bold: ansi(1) };

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
  return stream.isTTY && !('NO_COLOR' in env && env.NO_COLOR !== '') ? ANSI_COLOUR : NO_COLOUR;
}

/** One finding as text: `AEGIS-E001 error  TLS missing: what. Fix: how.` */
export function formatFinding(finding: Finding, palette: Palette = NO_COLOUR): string {
  const label = palette[finding.severity](finding.severity.padEnd(7));
  return `${palette.bold(finding.id)} ${label} ${finding.title}: ${finding.message}\n${' '.repeat(19)}${palette.dim('Fix:')} ${finding.fix}`;
}

/** A count line: `2 errors, 1 warning, 0 notes`. */
export function summarise(findings: readonly Finding[]): string {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'note')}`;
}
