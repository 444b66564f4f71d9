import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AegisConfigError, Problems, show } from '../core/config-error.js';
import { detectProfile, PROFILES, type Profile } from '../core/profile.js';
import { checkEntry, convert, type Config, type ConfigEntry, type ConfigSchema } from './config-schema.js';
import { parseDotenv } from './dotenv.js';
import { isSecret, isSecretRing, type Secret } from './secret.js';
import { assessSecret } from './secret-strength.js';

/** Where a value came from. */
export type ConfigSource = 'env' | 'file' | 'default';

/** What {@link configMeta} tells about a loaded configuration. */
export interface ConfigMeta<K extends string = string> {
  /** The profile the configuration was loaded for. */
  readonly profile: Profile;
  /** Where each value came from; keys without a value (optional and unset) are absent. */
  readonly source: Readonly<Partial<Record<K, ConfigSource>>>;
  /** The environment variable each key is read from, for messages (`sessionSecret` → `SESSION_SECRET`). */
  readonly variables: Readonly<Partial<Record<K, string>>>;
  /** Things worth printing once at start-up, such as a `.env` file ignored in production. */
  readonly warnings: readonly string[];
  /** Secret rules relaxed because the profile is development or test (production would refuse). */
  readonly relaxed: readonly string[];
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The environment to read. Default `process.env`. */
  env?: Env;
  /** The profile. Default: detected from `AEGIS_ENV`, then `NODE_ENV` (see the core profile rules). */
  profile?: Profile;
  /**
   * The `.env` file, relative to `cwd`. Development reads `'.env'` unless this is `false`; test reads
   * a file only when this is given; production never reads one and warns when it exists.
   */
  envFile?: string | false;
  /** Directory the `.env` file is resolved against. Default `process.cwd()`. */
  cwd?: string;
  /**
   * On problems: `'throw'` an AegisConfigError (the default), or `'exit'`: print every problem with
   * its fix on stderr and exit 1 — what a service wants at start-up (no stack trace, no value shown).
   */
  onError?: 'throw' | 'exit';
}

type Env = Readonly<Record<string, string | undefined>>;

const metas = new WeakMap<object, ConfigMeta>();
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Reads, converts and checks configuration once, at start-up, and returns a frozen object typed
 * from the schema. Real environment variables win over the `.env` file, which wins over defaults;
 * an empty value counts as unset. Every problem of every key is thrown together as one
 * `AegisConfigError` (path: the variable name); no message ever contains a secret or a URL.
 *
 * Secrets: in production each `secret`/`secrets` value must reach 256 bits and not be a known
 * placeholder (see `assessSecret`), and no two secret values may be equal. Development and test
 * accept them and list what they relaxed in `configMeta(config).relaxed`.
 * Printing the result (`console.log`, `util.inspect`, `JSON.stringify`) shows `[redacted]` for
 * secrets and for the password of a URL.
 *
 * @throws AegisConfigError listing every missing or invalid value, with its fix.
 * @example
 * const config = loadConfig({
 *   port: { env: 'PORT', type: 'port', default: 3000 },
 *   sessionSecret: { env: 'SESSION_SECRET', type: 'secret', required: true },
 * });
 * config.port;                      // number
 * config.sessionSecret.reveal();    // string
 * configMeta(config).relaxed.forEach((line) => console.warn(line));
 */
export function loadConfig<const S extends ConfigSchema>(schema: S, options: LoadConfigOptions = {}): Config<S> {
  const problems = new Problems();
  const env = options.env ?? process.env;
  const detected = detectProfile(options.profile, env);
  if (detected.invalid) {
    problems.add(detected.invalid.source === 'env' ? 'options.profile' : detected.invalid.source, `${show(detected.invalid.value)} is not a profile.`, `use one of: ${PROFILES.join(', ')}.`);
  }
  const profile = detected.profile;
  const warnings: string[] = [];
  const relaxed: string[] = [];
  const file = readEnvFile(profile, options, problems, warnings);
  const values: Record<string, unknown> = {};
  const source: Record<string, ConfigSource> = {};
  const variables: Record<string, string> = {};
  const secrets: SecretUse[] = [];

  for (const [key, entry] of Object.entries(schema as Record<string, unknown>)) {
    if (!checkEntry(key, entry, problems)) continue;
    variables[key] = entry.env;
    const found = lookUp(entry, env, file, profile);
    if (!found) {
      if (entry.required) problems.add(entry.env, 'is required but not set.', missingFix(entry, profile, options));
      continue;
    }
    const result = convert(entry, found.raw);
    if (!result.ok) {
      for (const p of [result, ...(result.more ?? [])]) {
        problems.add(found.from === 'default' ? `schema.${key}.${found.field}` : entry.env, p.message, found.from === 'default' ? 'fix the default in the schema.' : p.fix);
      }
      continue;
    }
    values[key] = result.value;
    source[key] = found.from;
    if (found.from === 'default' && found.field !== 'default' && isSecretType(entry)) relaxed.push(`${entry.env} uses the schema's ${profile} default (production has none).`);
    const list = isSecret(result.value) ? [result.value] : isSecretRing(result.value) ? result.value.all : [];
    list.forEach((secret, i) => secrets.push({ name: entry.env, index: i, count: list.length, secret }));
  }
  checkSecrets(secrets, profile, problems, relaxed);
  if (problems.count > 0 && options.onError === 'exit') {
    process.stderr.write(`${new AegisConfigError(problems.list, 'configuration').message}\n`);
    process.exit(1);
  }
  problems.throwIfAny('configuration');
  return seal(values, schema, { profile, source, variables, warnings, relaxed }) as Config<S>;
}

/** The metadata of a configuration returned by {@link loadConfig}; kept out of its JSON and inspect output. */
export function configMeta<C extends object>(config: C): ConfigMeta<Extract<keyof C, string>> {
  const meta = metas.get(config);
  if (!meta) throw new TypeError('configMeta(config): config was not returned by loadConfig().');
  return meta as ConfigMeta<Extract<keyof C, string>>;
}

interface SecretUse { name: string; index: number; count: number; secret: Secret }

function isSecretType(entry: ConfigEntry): boolean {
  return entry.type === 'secret' || entry.type === 'secrets';
}

function lookUp(entry: ConfigEntry, env: Env, file: Record<string, string> | undefined, profile: Profile) {
  const fromEnv = env[entry.env];
  if (fromEnv !== undefined && fromEnv !== '') return { raw: fromEnv as unknown, from: 'env' as const, field: '' };
  const fromFile = file?.[entry.env];
  if (fromFile !== undefined && fromFile !== '') return { raw: fromFile as unknown, from: 'file' as const, field: '' };
  const own = profile === 'production' ? undefined : (entry.defaults as Partial<Record<Profile, unknown>> | undefined)?.[profile];
  if (own !== undefined) return { raw: own, from: 'default' as const, field: `defaults.${profile}` };
  const shared = 'default' in entry ? entry.default : undefined;
  return shared === undefined ? undefined : { raw: shared as unknown, from: 'default' as const, field: 'default' };
}

function missingFix(entry: ConfigEntry, profile: Profile, options: LoadConfigOptions): string {
  const readsFile = options.envFile !== false && (profile === 'development' || (profile === 'test' && options.envFile !== undefined));
  const where = readsFile ? `in the environment or in ${options.envFile ?? '.env'}` : 'in the environment';
  if (isSecretType(entry)) return `set ${entry.env} ${where} to a new value from \`npx aegis secret\`.`;
  return `set ${entry.env} ${where}${profile === 'production' ? '' : `, or give the schema a defaults.${profile}`}.`;
}

/** Production refuses weak and repeated secrets; development and test list them as relaxed. */
function checkSecrets(secrets: readonly SecretUse[], profile: Profile, problems: Problems, relaxed: string[]): void {
  const strict = profile === 'production';
  const label = (s: SecretUse) => (s.count > 1 ? `key ${s.index + 1} of ${s.count} in ${s.name}` : s.name);
  const fix = (s: SecretUse) => (s.count > 1 ? `replace ${label(s)} with a new value from \`npx aegis secret\`.` : `set ${s.name} to a new value from \`npx aegis secret\`.`);
  const report = (s: SecretUse, message: string) => {
    if (strict) problems.add(s.name, `${s.count > 1 ? `${label(s)}: ` : ''}${message}`, fix(s));
    else relaxed.push(`${label(s)}: ${message} Allowed in ${profile}; production refuses it.`);
  };
  secrets.forEach((use, i) => {
    const weakness = assessSecret(use.secret.reveal()).problems;
    if (weakness.length > 0) report(use, `weak secret: ${weakness.join('; ')}.`);
    const twin = secrets.slice(0, i).find((earlier) => earlier.secret.equals(use.secret.reveal()));
    if (twin) report(use, `the same value as ${label(twin)}; every secret must be different.`);
  });
}

function readEnvFile(profile: Profile, options: LoadConfigOptions, problems: Problems, warnings: string[]): Record<string, string> | undefined {
  if (options.envFile === false || (profile === 'test' && options.envFile === undefined)) return undefined;
  const name = options.envFile ?? '.env';
  const path = resolve(options.cwd ?? process.cwd(), name);
  if (profile === 'production') {
    if (statSync(path, { throwIfNoEntry: false })) warnings.push(`${name} (${path}) exists but is not read in production; set these variables in the real environment.`);
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    problems.add(name, `could not be read (${code ?? 'error'}).`, 'make the file readable, or pass envFile: false.');
    return undefined;
  }
  const parsed = parseDotenv(text);
  for (const p of parsed.problems) problems.add(`${name}:${p.line}`, p.message, 'write the line as KEY=value (quote a value with spaces or #), or delete it.');
  return parsed.values;
}

/** Freezes the values, hides the metadata, and makes printing redact URL passwords. */
function seal(values: Record<string, unknown>, schema: ConfigSchema, meta: ConfigMeta): object {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) Object.defineProperty(config, key, { value, enumerable: true });
  const printable = () => {
    const view: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) view[key] = schema[key]?.type === 'url' ? hidePassword(value as string) : value;
    return view;
  };
  Object.defineProperty(config, 'toJSON', { value: printable });
  Object.defineProperty(config, INSPECT, { value: printable });
  metas.set(config, Object.freeze({ ...meta, warnings: Object.freeze(meta.warnings), relaxed: Object.freeze(meta.relaxed), source: Object.freeze(meta.source), variables: Object.freeze(meta.variables) }));
  return Object.freeze(config);
}

function hidePassword(raw: string): string {
  const url = new URL(raw);
  if (url.password === '') return raw;
  url.password = '';
  return url.href.replace(`//${url.username}@`, `//${url.username}:[redacted]@`);
}
