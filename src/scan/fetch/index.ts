/** The scanner's network fetch layer: one bounded request, and redirect chains. */

export { DEFAULT_MAX_BODY_BYTES, fetchOnce, type FetchedBytes, type FetchError, type FetchOnceOptions, type FetchOutcome } from './fetch-once.js';
export { followRedirects, type FollowRedirectsOptions } from './follow-redirects.js';
