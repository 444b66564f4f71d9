/**
 * The CORS part of `aegis scan`: the probe requests as data (a foreign origin and `Origin: null`,
 * simple and preflight) and a pure evaluator of the answers, no network. Not a package subpath yet.
 * @packageDocumentation
 */
export { CORS_PROBES, FOREIGN_ORIGIN, PREFLIGHT_HEADER, PREFLIGHT_METHOD } from './probes.js';
export type { CorsProbe } from './probes.js';
export { evaluateCors } from './evaluate.js';
export type { CorsProbeResult } from './evaluate.js';
export { CORS_FINDINGS, CORS_FINDING_TABLE } from './findings.js';
