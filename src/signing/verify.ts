import { createHmac, timingSafeEqual } from 'node:crypto';
import { checkContentDigest } from './content-digest.js';
import type { SigningKeyRing } from './keys.js';
import { DEFAULT_SIGNATURE_WINDOW_MS, DERIVED_COMPONENTS, isValidNonce, REQUIRED_COMPONENTS, SIGNATURE_ALGORITHM, SIGNATURE_LABEL } from './profile.js';
import { componentValue, signatureBase, type BaseRequest } from './signature-base.js';
import { parseDictionary, serializeInnerList, type InnerList, type Item, type Parameters } from './structured-fields.js';

/** Why a signature was refused. */
export type SignatureFailure =
  | 'missing'
  | 'malformed'
  | 'unsupported-algorithm'
  | 'missing-component'
  | 'unknown-key'
  | 'stale'
  | 'future'
  | 'expired'
  | 'digest-mismatch'
  | 'bad-signature';

/** The result of {@link verifyRequestSignature}. */
export type SignatureCheck =
  | {
      readonly ok: true;
      readonly keyId: string;
      readonly nonce: string;
      /** `created`, in seconds. */
      readonly created: number;
      /** `created` + window, in milliseconds: keep the nonce until then; after it the request is stale anyway. */
      readonly expiresAt: number;
    }
  | { readonly ok: false; readonly reason: SignatureFailure };

/** The request as the verifier needs it: what was received, not what the client claims. */
export interface SignedRequest {
  readonly method: string;
  /** The absolute path, without the query (`/` when empty). */
  readonly path: string;
  /** The raw query without `?`; `''` when there is none. */
  readonly query: string;
  /** A header's value (several values joined with `, `), or undefined; names are asked lower-case. */
  header(name: string): string | undefined;
  /** The body bytes as received. */
  readonly body: Uint8Array;
}

/** Options of {@link verifyRequestSignature}. */
export interface VerifyOptions {
  /** The verifier's clock, in milliseconds. */
  readonly now: number;
  /** How far `created` may be from `now`, either way (default 300 000: 5 minutes). */
  readonly windowMs?: number;
}

const MAX_COMPONENTS = 32;

/**
 * Verifies a request signed with the Aegis profile of HTTP Message Signatures (RFC 9421,
 * HMAC-SHA256). Pure and synchronous: it checks everything except nonce reuse, so on success claim
 * `nonce` in a nonce store until `expiresAt` and refuse the request if it was already claimed.
 *
 * The signature labelled `aegis` is used, else the first one. Its covered components must include
 * `@method`, `@path`, `@query` and `content-digest`, and may add `@authority` and header fields.
 * Checks, in order: headers present (`missing`), syntax and parameters (`malformed`), components
 * (`missing-component`), `alg` (`unsupported-algorithm`), `keyid` (`unknown-key`), `created` within
 * ±window (`stale`, `future`), `expires` after now (`expired`), the digest of the received body
 * (`digest-mismatch`), the HMAC in constant time (`bad-signature`). Never throws for any header input.
 *
 * @throws TypeError only when `options` are invalid (a programming error, not a request error).
 * @see https://www.rfc-editor.org/rfc/rfc9421#section-3.2
 * @example
 * const check = verifyRequestSignature({ method, path, query, header: (n) => req.headers[n] as string | undefined, body }, ring, { now: Date.now() });
 * if (!check.ok || !(await nonces.claim(check.nonce, check.expiresAt))) return reply(401);
 */
export function verifyRequestSignature(request: SignedRequest, keys: SigningKeyRing, options: VerifyOptions): SignatureCheck {
  const now = options?.now;
  const windowMs = options?.windowMs ?? DEFAULT_SIGNATURE_WINDOW_MS;
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('verifyRequestSignature: options.now must be a time in milliseconds.');
  if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs < 0) throw new TypeError('verifyRequestSignature: options.windowMs must be a number of milliseconds, 0 or more.');
  try {
    return check(request, keys, now, windowMs);
  } catch {
    // Fail closed: a header() or body that misbehaves must not turn into an exception for the caller.
    return fail('malformed');
  }
}

const fail = (reason: SignatureFailure): SignatureCheck => ({ ok: false, reason });

function check(request: SignedRequest, keys: SigningKeyRing, now: number, windowMs: number): SignatureCheck {
  const view = requestView(request);
  if (view === undefined) return fail('malformed');
  const inputField = view.header('signature-input');
  const signatureField = view.header('signature');
  if (inputField === undefined || signatureField === undefined) return fail('missing');
  const inputs = parseDictionary(inputField);
  const signatures = parseDictionary(signatureField);
  if (inputs === undefined || signatures === undefined) return fail('malformed');
  if (inputs.size === 0 || signatures.size === 0) return fail('missing');

  const label = inputs.has(SIGNATURE_LABEL) ? SIGNATURE_LABEL : inputs.keys().next().value;
  const input = label === undefined ? undefined : inputs.get(label);
  const signature = label === undefined ? undefined : signatures.get(label);
  if (input?.kind !== 'inner-list' || signature?.kind !== 'item' || signature.value.type !== 'bytes') return fail('malformed');

  const params = readParams(input.params);
  if (params === undefined) return fail('malformed');
  const components = readComponents(input.items);
  if (components === undefined) return fail('malformed');
  if (!REQUIRED_COMPONENTS.every((name) => components.includes(name))) return fail('missing-component');
  const values: string[] = [];
  for (const name of components) {
    const value = componentValue(view, name);
    if (value === undefined) return fail('missing-component');
    values.push(value);
  }

  if (params.alg !== undefined && params.alg !== SIGNATURE_ALGORITHM) return fail('unsupported-algorithm');
  const key = keys.key(params.keyid);
  if (key === undefined) return fail('unknown-key');
  const createdMs = params.created * 1000;
  if (now - createdMs > windowMs) return fail('stale');
  if (createdMs - now > windowMs) return fail('future');
  if (params.expires !== undefined && params.expires * 1000 <= now) return fail('expired');

  const digest = checkContentDigest(values[components.indexOf('content-digest')] ?? '', request.body ?? new Uint8Array(0));
  if (digest === 'malformed') return fail('malformed');
  if (digest === 'mismatch') return fail('digest-mismatch');

  const base = signatureBase(components, values, serializeInnerList(input));
  if (base === undefined) return fail('malformed');
  const expected = createHmac('sha256', key).update(base).digest();
  const given = signature.value.value;
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail('bad-signature');
  return { ok: true, keyId: params.keyid, nonce: params.nonce, created: params.created, expiresAt: createdMs + windowMs };
}

/** The request with its method, path and query checked, and header() made total (string or undefined). */
function requestView(request: SignedRequest): BaseRequest | undefined {
  const { method, path, query } = request;
  if (typeof method !== 'string' || typeof path !== 'string' || typeof query !== 'string') return undefined;
  if (!(request.body === undefined || request.body instanceof Uint8Array)) return undefined;
  const header = (name: string): string | undefined => {
    const value: unknown = request.header(name);
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
    return undefined;
  };
  return { method, path, query, header };
}

interface SignatureParams {
  readonly created: number;
  readonly keyid: string;
  readonly nonce: string;
  readonly alg?: string;
  readonly expires?: number;
}

/** Reads the signature parameters; `created`, `keyid` and `nonce` are required, types are checked. */
function readParams(params: Parameters): SignatureParams | undefined {
  const created = params.get('created');
  const keyid = params.get('keyid');
  const nonce = params.get('nonce');
  const alg = params.get('alg');
  const expires = params.get('expires');
  if (created?.type !== 'integer' || keyid?.type !== 'string' || nonce?.type !== 'string') return undefined;
  if (!isValidNonce(nonce.value)) return undefined;
  if (alg !== undefined && alg.type !== 'string') return undefined;
  if (expires !== undefined && expires.type !== 'integer') return undefined;
  return { created: created.value, keyid: keyid.value, nonce: nonce.value, alg: alg?.value, expires: expires?.value };
}

/**
 * Reads the covered components: sf-strings without parameters, no duplicates, derived components
 * limited to those this profile computes, header names lower-case.
 */
function readComponents(items: InnerList['items']): string[] | undefined {
  if (items.length > MAX_COMPONENTS) return undefined;
  const names: string[] = [];
  for (const item of items as readonly Item[]) {
    if (item.value.type !== 'string' || item.params.size > 0) return undefined;
    const name = item.value.value;
    if (names.includes(name)) return undefined;
    if (name.startsWith('@') ? !DERIVED_COMPONENTS.has(name) : !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return undefined;
    names.push(name);
  }
  return names;
}
