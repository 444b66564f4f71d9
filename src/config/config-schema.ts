import type { Problems } from '../core/config-error.js';
import { show } from '../core/config-error.js';
import { checkObject } from '../core/read-option.js';
import { parseDuration, parseSize, type Duration, type Size } from '../core/units.js';
import { checkOrigins } from '../cors/origins.js';
import { Secret, SecretRing } from './secret.js';

/** Defaults for the relaxed profiles only: production never falls back to them. */
export interface ProfileDefaults<T> {
  development?: T;
  test?: T;
}

/** Fields shared by every schema entry. @typeParam T the type of a default. */
export interface ConfigEntryBase<Type extends string, T> {
  /** The environment variable (and `.env` key) to read, e.g. `'PORT'`. */
  env: string;
  type: Type;
  /** Fail when no value is found (in the environment, the `.env` file, or a default for the profile). */
  required?: boolean;
  /** Used in every profile when the variable is unset. Not allowed with `required`. */
  default?: T;
  /** Used in development or test when the variable is unset; wins over `default`. */
  defaults?: ProfileDefaults<T>;
}

/**
 * One configuration value. Types: `string`; `integer`; `number`; `port` (0–65535); `boolean`
 * (true/false, 1/0, yes/no, any case); `url` (absolute, `scheme://…`; `protocols` restricts the scheme, e.g.
 * `['https:', 'postgres:']`); `enum` (one of `values`, any case); `duration` (ms; `'30s'` or digits);
 * `size` (bytes; `'10mb'` or digits); `secret` (a {@link Secret}); `secrets` (a {@link SecretRing}:
 * several secrets, newest first, separated by commas or whitespace); `origins` (a frozen
 * `readonly string[]` for `cors.origins`: origins separated by commas and/or whitespace, e.g.
 * `https://app.example.com, https://*.example.com`, each checked and normalised by the same rules as
 * `cors.origins`; a default is an array or such a string). Secrets have no `default`.
 */
export type ConfigEntry =
  | ConfigEntryBase<'string', string>
  | ConfigEntryBase<'integer' | 'number' | 'port', number>
  | ConfigEntryBase<'boolean', boolean>
  | (ConfigEntryBase<'url', string> & { protocols?: readonly string[] })
  | (ConfigEntryBase<'enum', string> & { values: readonly string[] })
  | ConfigEntryBase<'duration', Duration>
  | ConfigEntryBase<'size', Size>
  | Omit<ConfigEntryBase<'secret', string>, 'default'>
  | Omit<ConfigEntryBase<'secrets', string | readonly string[]>, 'default'>
  | ConfigEntryBase<'origins', string | readonly string[]>;

/** A configuration schema: result key → entry. Write it with `satisfies ConfigSchema` (or inline) to keep its literal types. */
export type ConfigSchema = Record<string, ConfigEntry>;

/** The value type an entry produces. */
export type ConfigValue<E> = E extends { type: 'secret' } ? Secret
  : E extends { type: 'secrets' } ? SecretRing
  : E extends { type: 'enum'; values: readonly (infer V extends string)[] } ? V
  : E extends { type: 'boolean' } ? boolean
  : E extends { type: 'string' | 'url' } ? string
  : E extends { type: 'origins' } ? readonly string[]
  : number;

type Present<E> = E extends { required: true } ? true : E extends { default: unknown } ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The loaded configuration for schema `S`: required and defaulted keys are always present. */
export type Config<S extends ConfigSchema> = Simplify<
  { readonly [K in keyof S as Present<S[K]> extends true ? K : never]: ConfigValue<S[K]> } & {
    readonly [K in keyof S as Present<S[K]> extends true ? never : K]?: ConfigValue<S[K]>;
  }
>;

/**
 * A converted value, or why it could not be converted (the message never holds a URL password or a
 * secret); `more` lists further problems of the same value (one per bad entry of a list). @internal
 */
export type Converted = { ok: true; value: unknown } | { ok: false; message: string; fix: string; more?: readonly { message: string; fix: string }[] };

const TYPES = ['string', 'integer', 'number', 'port', 'boolean', 'url', 'enum', 'duration', 'size', 'secret', 'secrets', 'origins'];
const BASE_KEYS = ['env', 'type', 'required', 'default', 'defaults'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates one schema entry; returns false when it cannot be used. @internal */
export function checkEntry(key: string, entry: unknown, problems: Problems): entry is ConfigEntry {
  const path = `schema.${key}`;
  const known = [...BASE_KEYS, 'protocols', 'values'];
  if (!checkObject(entry, known, problems, path, "{ env: 'PORT', type: 'port', default: 3000 }")) return false;
  const before = problems.count;
  const { env, type, required, values, protocols } = entry;
  if (typeof env !== 'string' || !NAME.test(env)) problems.add(`${path}.env`, `${show(env)} is not an environment variable name.`, "write env: 'SOME_NAME' (letters, digits and _).");
  if (typeof type !== 'string' || !TYPES.includes(type)) problems.add(`${path}.type`, `${show(type)} is not a config type.`, `use one of: ${TYPES.join(', ')}.`);
  if (required !== undefined && typeof required !== 'boolean') problems.add(`${path}.required`, `expected true or false, got ${show(required)}.`, 'write required: true.');
  if (required === true && entry.default !== undefined) problems.add(`${path}.default`, 'a default makes required: true meaningless.', 'remove one of them (defaults: { development } still works with required).');
  if ((type === 'secret' || type === 'secrets') && entry.default !== undefined) {
    problems.add(`${path}.default`, 'a secret has no default in code, or production would use it.', "remove default; use defaults: { development: '…' } for local work.");
  }
  if (type === 'enum' && (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string'))) {
    problems.add(`${path}.values`, 'an enum needs a non-empty list of strings.', "write values: ['debug', 'info'] as const.");
  }
  if (values !== undefined && type !== 'enum') problems.add(`${path}.values`, 'values only applies to type: "enum".', 'remove it.');
  if (protocols !== undefined && (type !== 'url' || !Array.isArray(protocols) || !protocols.every((p) => typeof p === 'string'))) {
    problems.add(`${path}.protocols`, 'protocols is a list of URL schemes for type: "url".', "write protocols: ['https:'].");
  }
  return problems.count === before;
}

const TRUE = ['true', '1', 'yes'];
const FALSE = ['false', '0', 'no'];

/** Converts a raw value (an environment string, or a default from the schema) for `entry`. @internal */
export function convert(entry: ConfigEntry, raw: unknown): Converted {
  const name = entry.env;
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const bad = (message: string, fix: string): Converted => ({ ok: false, message, fix });
  const good = (value: unknown): Converted => ({ ok: true, value });
  switch (entry.type) {
    case 'string':
      return typeof raw === 'string' ? good(raw) : bad(`${show(raw)} is not a string.`, `set ${name} to text.`);
    case 'integer':
    case 'port': {
      const n = typeof text === 'number' ? text : typeof text === 'string' && /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      if (entry.type === 'integer') return Number.isSafeInteger(n) ? good(n) : bad(`${show(raw)} is not a whole number.`, `set ${name} to a whole number such as 10.`);
      return Number.isInteger(n) && n >= 0 && n <= 65535 ? good(n) : bad(`${show(raw)} is not a port number (0 to 65535).`, `set ${name} to a port such as 3000.`);
    }
    case 'number': {
      const n = typeof text === 'number' ? text : typeof text === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
      return Number.isFinite(n) ? good(n) : bad(`${show(raw)} is not a number.`, `set ${name} to a number such as 1.5.`);
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return good(raw);
      const lower = typeof text === 'string' ? text.toLowerCase() : '';
      if (TRUE.includes(lower) || FALSE.includes(lower)) return good(TRUE.includes(lower));
      return bad(`${show(raw)} is not true or false.`, `set ${name} to true or false (1/0 and yes/no also work).`);
    }
    case 'url': {
      // Require "scheme://": WHATWG reads 'db.internal:5432/app' as a URL whose scheme is 'db.internal:'.
      const url = typeof text === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(text) && URL.canParse(text) ? new URL(text) : undefined;
      if (!url) return bad('the value is not an absolute URL starting with a scheme and // (it is not repeated here: URLs can hold passwords).', `set ${name} to a URL such as https://example.com/.`);
      const allowed = (entry.protocols ?? []).map((p) => (p.endsWith(':') ? p : `${p}:`).toLowerCase());
      if (allowed.length > 0 && !allowed.includes(url.protocol)) return bad(`the URL scheme "${url.protocol}" is not allowed.`, `use a URL starting with ${allowed.map((p) => `${p}//`).join(' or ')}.`);
      return good(text);
    }
    case 'enum': {
      const match = typeof text === 'string' ? (entry.values.find((v) => v === text) ?? entry.values.find((v) => v.toLowerCase() === text.toLowerCase())) : undefined;
      return match !== undefined ? good(match) : bad(`${show(raw)} is not one of the allowed values.`, `use one of: ${entry.values.map((v) => JSON.stringify(v)).join(', ')}.`);
    }
    case 'duration': {
      const ms = typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : parseDuration(text);
      return ms !== undefined ? good(ms) : bad(`${show(raw)} is not a duration.`, `set ${name} to milliseconds (30000) or a duration such as 30s or 5m.`);
    }
    case 'size': {
      const bytes = typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : parseSize(text);
      return bytes !== undefined && Number.isInteger(bytes) ? good(bytes) : bad(`${show(raw)} is not a size.`, `set ${name} to bytes (1048576) or a size such as 64kb or 10mb.`);
    }
    case 'secret':
      return typeof raw === 'string' ? good(new Secret(raw)) : bad('the value is not a string.', `set ${name} to a new value from \`npx aegis secret\`.`);
    case 'secrets': {
      const list = typeof raw === 'string' ? raw.split(/[\s,]+/).filter(Boolean) : Array.isArray(raw) && raw.every((s) => typeof s === 'string') ? raw : [];
      return list.length > 0 ? good(new SecretRing(list)) : bad('expected one or more secrets, newest first, separated by commas or spaces.', `set ${name} to a new value from \`npx aegis secret\`.`);
    }
    case 'origins':
      return convertOrigins(name, raw);
  }
}

/** Splits on commas and whitespace, then checks every entry with the rules of `cors.origins`. */
function convertOrigins(name: string, raw: unknown): Converted {
  const list: readonly unknown[] = typeof raw === 'string' ? raw.split(/[\s,]+/).filter(Boolean) : Array.isArray(raw) ? raw : [];
  if (list.length === 0) {
    return { ok: false, message: 'expected one or more origins separated by commas or spaces.', fix: `set ${name} to origins such as "https://app.example.com, https://*.example.com".` };
  }
  const { rules, problems } = checkOrigins(list);
  const [first, ...rest] = problems.map((p) => ({ message: `entry ${p.index + 1} of ${list.length}: ${p.message}`, fix: p.fix }));
  if (first) return { ok: false, ...first, more: rest };
  return { ok: true, value: Object.freeze(rules.map((rule) => rule.text)) };
}
