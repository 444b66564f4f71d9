/**
 * The CORS finding table: every id the CORS evaluator of `aegis scan` can report, with its severity
 * and title. Ids are stable: they never change meaning, and a retired id is not reused.
 */

import type { FindingKind } from '../finding.js';

/**
 * Every CORS finding, in id order. 001–005: which origins are allowed; 006–007: what a preflight
 * allows; 008: caching of reflected answers.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 * @see https://portswigger.net/web-security/cors
 */
export const CORS_FINDINGS = {
  reflectedWithCredentials: { id: 'AEGIS-SCAN-CORS-001', severity: 'high', title: 'any origin reflected, with credentials (other sites read signed-in responses)' },
  reflected: { id: 'AEGIS-SCAN-CORS-002', severity: 'medium', title: 'any origin reflected in Access-Control-Allow-Origin' },
  wildcardWithCredentials: { id: 'AEGIS-SCAN-CORS-003', severity: 'medium', title: 'Access-Control-Allow-Origin * with credentials (browsers refuse it; intent is unsafe)' },
  nullWithCredentials: { id: 'AEGIS-SCAN-CORS-004', severity: 'high', title: 'Origin null allowed, with credentials (sandboxed frames read signed-in responses)' },
  nullAllowed: { id: 'AEGIS-SCAN-CORS-005', severity: 'medium', title: 'Origin null allowed' },
  anyMethod: { id: 'AEGIS-SCAN-CORS-006', severity: 'low', title: 'preflight allows any method (requested method reflected or *)' },
  anyHeaders: { id: 'AEGIS-SCAN-CORS-007', severity: 'low', title: 'preflight allows any request header (requested headers reflected or *)' },
  missingVary: { id: 'AEGIS-SCAN-CORS-008', severity: 'low', title: 'reflected Access-Control-Allow-Origin without Vary: Origin (cache poisoning)' },
} as const satisfies Record<string, FindingKind>;

/** The finding table as a list, in id order. */
export const CORS_FINDING_TABLE: readonly FindingKind[] = Object.values(CORS_FINDINGS);
