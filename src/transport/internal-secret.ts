import { readSecretRing } from '../config/read-secrets.js';
import type { SecretRing } from '../config/secret.js';
import { show, type Problems } from '../core/config-error.js';
import { checkObject } from '../core/read-option.js';

/** The internal secret after validation. */
export interface CompiledInternalSecret {
  /** Lower-case request header name. */
  readonly header: string;
  readonly ring: SecretRing;
}

/** Why a request to an internal route was refused. */
export type InternalRefusal = 'internal.not_configured' | 'internal.missing' | 'internal.invalid';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

/** Validates the policy's `internalSecret` option into `problems`. @internal */
export function compileInternalSecret(raw: unknown, problems: Problems, path: string): CompiledInternalSecret | undefined {
  if (!checkObject(raw, ['secrets', 'header'], problems, path, '{ secrets: [process.env.INTERNAL_SECRET] }')) return undefined;
  const options = raw as { secrets?: unknown; header?: unknown };
  const ring = readSecretRing(options.secrets, problems, `${path}.secrets`, 'pass secrets: [process.env.INTERNAL_SECRET] (32 random bytes: `aegis secret`), newest first.');
  let header = 'x-internal-secret';
  if (options.header !== undefined) {
    if (typeof options.header === 'string' && HEADER_NAME.test(options.header)) header = options.header.toLowerCase();
    else problems.add(`${path}.header`, `${show(options.header)} is not a header name.`, "write header: 'x-internal-secret'.");
  }
  return ring ? { header, ring } : undefined;
}

/**
 * The check of an internal route, fail-safe: no configured secret refuses everything
 * (`internal.not_configured`, answered 503); a missing or wrong header is `internal.missing` /
 * `internal.invalid` (403). Every configured secret is compared, each in constant time.
 */
export function checkInternalSecret(secret: CompiledInternalSecret | undefined, header: (name: string) => string | undefined): InternalRefusal | undefined {
  if (!secret) return 'internal.not_configured';
  const given = header(secret.header);
  if (given === undefined || given === '') return 'internal.missing';
  return secret.ring.matches(given) ? undefined : 'internal.invalid';
}
