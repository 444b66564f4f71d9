/**
 * The exposure part of `aegis scan`: files a site should not serve (recognised by content, never by
 * status alone), security.txt (RFC 9116), source maps, TRACE and a foreign Host reflected. The probe
 * lists are data; the checks are pure functions over what was fetched, no network. Not a package
 * subpath yet.
 * @packageDocumentation
 */
export { EXPOSURE_PATHS, FOREIGN_HOST, SECURITY_TXT_PATH, TRACE_PROBE } from './paths.js';
export type { ExposureKind, ExposurePath } from './paths.js';
export type { FetchedResponse } from './response.js';
export { evaluateExposure } from './evaluate.js';
export { evaluateSecurityTxt, parseSecurityTxt } from './security-txt.js';
export { evaluateSourceMap, findSourceMaps } from './source-maps.js';
export { evaluateHostReflection, evaluateTrace } from './reflection.js';
export { EXPOSURE_FINDINGS, EXPOSURE_FINDING_TABLE } from './findings.js';
