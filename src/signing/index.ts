/**
 * Request signing for machine-to-machine calls: the Aegis profile of HTTP Message Signatures
 * (RFC 9421) with HMAC-SHA256 and Content-Digest (RFC 9530). Framework-free: the signer returns
 * headers, the verifier takes a small request view and returns a value.
 *
 * **Why RFC 9421** rather than a home-made `X-Signature`: the signature base is specified to the
 * byte (no ambiguity about what is signed), the headers are standard Structured Fields, a proxy that
 * re-spaces a header does not break it (the verifier re-serializes what it parsed), and other
 * languages have implementations that can interoperate with this profile.
 *
 * **The profile** (where it simplifies RFC 9421):
 * - one algorithm, `hmac-sha256`, with shared keys named by `keyid`; `alg`, when sent, must be it;
 * - the signer sends `Content-Digest: sha-256=:…:` (also for an empty body),
 *   `Signature-Input: aegis=("@method" "@path" "@query" "content-digest");created=…;keyid="…";nonce="…";alg="hmac-sha256"`
 *   and `Signature: aegis=:…:`;
 * - a signature must cover at least `@method`, `@path`, `@query` and `content-digest`; it may add
 *   `@authority` and header fields; other derived components and component parameters are refused;
 * - `created`, `keyid` and `nonce` (22–256 base64url characters) are required; `created` must be
 *   within ±window (5 minutes) of the verifier's clock; `expires`, when present, must be in the future;
 * - the label `aegis` is preferred when several signatures are present, else the first is used;
 * - no `Accept-Signature` negotiation: {@link ACCEPT_SIGNATURE_HINT} is a fixed value to send with a 401;
 * - nonce reuse is the caller's check: claim `check.nonce` in a nonce store until `check.expiresAt`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9421
 * @see https://www.rfc-editor.org/rfc/rfc9530
 * @example
 * // the caller
 * const signedFetch = createSignedFetch({ key: { id: '2025-01', secret: process.env.SIGNING_KEY ?? '' } });
 * await signedFetch('https://billing.internal/v1/charge', { method: 'POST', body: JSON.stringify(charge) });
 * // the service
 * const ring = compileSigningKeys({ '2025-01': process.env.SIGNING_KEY ?? '' });
 * const check = verifyRequestSignature({ method, path, query, header, body }, ring, { now: Date.now() });
 */
export { contentDigest } from './content-digest.js';
export { compileSigningKeys, isValidKeyId, MIN_KEY_BYTES, type SigningKey, type SigningKeyRing } from './keys.js';
export { ACCEPT_SIGNATURE_HINT, DEFAULT_SIGNATURE_WINDOW_MS, REQUIRED_COMPONENTS, SIGNATURE_ALGORITHM, SIGNATURE_LABEL } from './profile.js';
export { signRequest, type SignatureHeaders, type SignRequestInput } from './sign.js';
export { createSignedFetch, type SignedFetchOptions } from './signed-fetch.js';
export { verifyRequestSignature, type SignatureCheck, type SignatureFailure, type SignedRequest, type VerifyOptions } from './verify.js';
