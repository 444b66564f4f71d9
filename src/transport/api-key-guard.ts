import { compileApiKeyStore, hasScopes, readBearerOrHeader, type ApiKeyStore, type StoredApiKey } from '../api-keys/api-keys.js';
import { show, type Problems } from '../core/config-error.js';
import type { HeaderPair } from '../headers/plan.js';
import { checkObject } from '../core/read-option.js';

/** The API keys a policy accepts (`aegis key create` prints the stored lines). */
export interface ApiKeysOptions {
  /** Stored keys: the lines `aegis key create` prints (`id:sha256:hash:scopes`), or `{ id, hash, scopes }`. */
  keys: ReadonlyArray<StoredApiKey | string>;
  /** The key prefix (default `'aegis'`). */
  prefix?: string;
  /** The header read besides `Authorization: Bearer` (default `'x-api-key'`). */
  header?: string;
}

/** What a route requires: a valid key, and these scopes when given. */
export type ApiKeyRequirement = true | { readonly scopes: readonly string[] };

/** API keys after validation. @internal */
export interface CompiledApiKeys {
  readonly store: ApiKeyStore;
  /** Lower-case. */
  readonly header: string;
}

/** The key a request authenticated with (on the context as `apiKey`). */
export interface ApiKeyIdentity {
  readonly id: string;
  readonly scopes: readonly string[];
}

/** Why a key was refused. */
export type ApiKeyRefusal = 'apikey.missing' | 'apikey.malformed' | 'apikey.unknown' | 'apikey.mismatch' | 'apikey.insufficient_scope';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

/** Validates the policy's `apiKeys` option into `problems`. @internal */
export function compileApiKeys(raw: unknown, problems: Problems, path: string): CompiledApiKeys | undefined {
  if (!checkObject(raw, ['keys', 'prefix', 'header'], problems, path, "{ keys: [process.env.API_KEY_LINE] }")) return undefined;
  const options = raw as { keys?: unknown; prefix?: unknown; header?: unknown };
  let header = 'x-api-key';
  if (options.header !== undefined) {
    if (typeof options.header === 'string' && HEADER_NAME.test(options.header)) header = options.header.toLowerCase();
    else problems.add(`${path}.header`, `${show(options.header)} is not a header name.`, "write header: 'x-api-key'.");
  }
  const prefix = typeof options.prefix === 'string' ? options.prefix : undefined;
  if (options.prefix !== undefined && prefix === undefined) problems.add(`${path}.prefix`, `${show(options.prefix)} is not a key prefix.`, "write prefix: 'aegis'.");
  const store = compileApiKeyStore(options.keys as ReadonlyArray<StoredApiKey | string>, problems, `${path}.keys`, prefix);
  return { store, header };
}

/** Validates a route's `apiKey` requirement. @internal */
export function readApiKeyRequirement(raw: unknown, problems: Problems, path: string): ApiKeyRequirement | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return true;
  if (checkObject(raw, ['scopes'], problems, path, "{ scopes: ['sms.send'] }")) {
    const scopes = (raw as { scopes?: unknown }).scopes;
    if (Array.isArray(scopes) && scopes.length > 0 && scopes.every((s) => typeof s === 'string' && s !== '')) return { scopes: scopes as string[] };
    problems.add(`${path}.scopes`, `${show(scopes)} is not a list of scope names.`, "write scopes: ['sms.send'], or apiKey: true for any valid key.");
  }
  return undefined;
}

/** The outcome of {@link checkApiKey}. */
export type ApiKeyCheck = { readonly ok: true; readonly identity: ApiKeyIdentity } | { readonly ok: false; readonly status: 401 | 403; readonly reason: ApiKeyRefusal; readonly headers: readonly HeaderPair[] };

const CHALLENGE = 'Bearer realm="api"';

/**
 * Authenticates a request for a route that requires a key: `Authorization: Bearer <key>` or the
 * key header. Missing → 401 with `WWW-Authenticate: Bearer realm="api"`; malformed, unknown or
 * wrong → 401 with `error="invalid_token"`; valid without the route's scopes → 403 with
 * `error="insufficient_scope"` and the scopes needed (RFC 6750 §3).
 */
export function checkApiKey(keys: CompiledApiKeys, requirement: ApiKeyRequirement, header: (name: string) => string | undefined): ApiKeyCheck {
  const presented = readBearerOrHeader(header('authorization'), header(keys.header));
  if (presented === undefined) return { ok: false, status: 401, reason: 'apikey.missing', headers: [['WWW-Authenticate', CHALLENGE]] };
  const verified = keys.store.verify(presented);
  if (!verified.ok) return { ok: false, status: 401, reason: `apikey.${verified.reason}`, headers: [['WWW-Authenticate', `${CHALLENGE}, error="invalid_token"`]] };
  if (requirement !== true && !hasScopes(verified.scopes, requirement.scopes)) {
    return { ok: false, status: 403, reason: 'apikey.insufficient_scope', headers: [['WWW-Authenticate', `${CHALLENGE}, error="insufficient_scope", scope="${requirement.scopes.join(' ')}"`]] };
  }
  return { ok: true, identity: { id: verified.id, scopes: verified.scopes } };
}
