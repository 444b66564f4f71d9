/** The fixed choices of the Aegis signature profile. @internal */

/** The label the signer uses, and the one the verifier prefers when several signatures are present. */
export const SIGNATURE_LABEL = 'aegis';

/** The only algorithm of the profile (RFC 9421 §3.3.3). */
export const SIGNATURE_ALGORITHM = 'hmac-sha256';

/** What every signature must cover, in the order the signer lists them. */
export const REQUIRED_COMPONENTS: readonly string[] = Object.freeze(['@method', '@path', '@query', 'content-digest']);

/** The derived components the verifier can compute; other `@` names are refused. */
export const DERIVED_COMPONENTS: ReadonlySet<string> = new Set(['@method', '@path', '@query', '@authority']);

/** How far `created` may be from the verifier's clock, either way, by default: 5 minutes. */
export const DEFAULT_SIGNATURE_WINDOW_MS = 300_000;

/**
 * A fixed `Accept-Signature` value (RFC 9421 §5.1) a server may send with a 401 to say what it
 * expects: the four required components, a creation time, and HMAC-SHA256. There is no further
 * negotiation.
 */
export const ACCEPT_SIGNATURE_HINT = `${SIGNATURE_LABEL}=("@method" "@path" "@query" "content-digest");created;alg="${SIGNATURE_ALGORITHM}"`;

/** Nonces: base64url, 22 characters (16 bytes) to 256. */
export function isValidNonce(nonce: unknown): nonce is string {
  if (typeof nonce !== 'string' || nonce.length < 22 || nonce.length > 256) return false;
  for (let i = 0; i < nonce.length; i++) {
    const c = nonce.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
    if (!ok) return false;
  }
  return true;
}
