/**
 * `aegis/checks`: the deploy checks behind `aegis check` and the production guard.
 * @packageDocumentation
 */
export { CHECKS, runChecks } from './catalogue.js';
export type { Check, Finding, Severity } from './catalogue.js';
export { assertProductionReady, AegisProductionError, deploymentFindings, certificateFacts } from './guard.js';
export type { GuardInput } from './guard.js';
export { processDebugFacts } from './facts.js';
export type { DeploymentFacts, TlsFacts, CertificateFacts, CookieSettings, CorsSettings, SecretProblem, DebugFacts } from './facts.js';
export { formatFinding, summarise, atLeast } from './report.js';
