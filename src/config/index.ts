/**
 * `aegis/config`: typed configuration from the environment and `.env` files, checked once at
 * start-up, with secrets that never print.
 *
 * @example
 * import { loadConfig, configMeta } from 'aegis/config';
 * const config = loadConfig({
 *   port: { env: 'PORT', type: 'port', default: 3000 },
 *   sessionSecret: { env: 'SESSION_SECRET', type: 'secret', required: true },
 * });
 * for (const line of configMeta(config).relaxed) console.warn(`aegis: ${line}`);
 */
export { Secret, SecretRing, isSecret, isSecretRing } from './secret.js';
export { assessSecret, MIN_SECRET_BITS, type SecretAssessment, type SecretEncoding } from './secret-strength.js';
export { generateSecret, type GenerateSecretOptions } from './generate-secret.js';
export { parseDotenv, type DotenvProblem, type DotenvResult } from './dotenv.js';
export { loadConfig, configMeta, type ConfigMeta, type ConfigSource, type LoadConfigOptions } from './load-config.js';
export type { Config, ConfigEntry, ConfigEntryBase, ConfigSchema, ConfigValue, ProfileDefaults } from './config-schema.js';
