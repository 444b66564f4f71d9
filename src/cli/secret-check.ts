import type { SecretProblem } from '../checks/facts.js';
import { secretProblemsOf } from '../checks/secret-problems.js';
import { loadConfig } from '../config/load-config.js';
import { AegisConfigError, type ConfigProblem } from '../core/config-error.js';
import type { Profile } from '../core/profile.js';

/** True for a loadConfig schema: an object whose entries each name an environment variable and a type. */
function isSchema(value: object): boolean {
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((entry) => typeof entry === 'object' && entry !== null && 'type' in entry && 'env' in entry);
}

/** loadConfig's label for one key of a secret ring: `key 2 of 3 in SIGNING_KEYS: …`. */
const RING_KEY = /^(key \d+ of \d+ in \S+): ([\s\S]*)$/;

/**
 * A secret problem from loadConfig, phrased for AEGIS-E009 (whose title already says "weak
 * secret"): named after the variable, or the key of a ring; loadConfig's own fix kept.
 */
export function secretProblemFrom(problem: ConfigProblem): SecretProblem {
  const ring = RING_KEY.exec(problem.message);
  const message = (ring?.[2] ?? problem.message).replace(/^weak secret: /, '');
  return { name: ring?.[1] ?? problem.path, message, fix: problem.fix };
}

/** Another configuration problem from loadConfig, for AEGIS-E010, with loadConfig's own fix. */
function configProblemFrom(problem: ConfigProblem): SecretProblem {
  return { name: problem.path, message: problem.message, fix: problem.fix };
}

/** The variables of a schema's secret entries. */
function secretVariables(schema: object): Set<string> {
  const entries = Object.values(schema as Record<string, { env: string; type: string }>);
  return new Set(entries.filter((entry) => entry.type === 'secret' || entry.type === 'secrets').map((entry) => entry.env));
}

/**
 * The problems of a policy module's `config` export. A schema is loaded from `env` for the profile
 * (production refuses weak, placeholder and repeated secrets); its problems are split into secret
 * problems and other configuration problems, by variable name, each with loadConfig's fix. A
 * loaded configuration has its secrets assessed directly.
 */
export function configProblemsFromModule(config: unknown, profile: Profile, env: NodeJS.ProcessEnv): { secrets: SecretProblem[]; other: SecretProblem[] } {
  if (typeof config !== 'object' || config === null) return { secrets: [], other: [] };
  if (!isSchema(config)) return { secrets: profile === 'production' ? secretProblemsOf(config) : [], other: [] };
  try {
    loadConfig(config as Parameters<typeof loadConfig>[0], { env, profile, envFile: false });
    return { secrets: [], other: [] };
  } catch (error) {
    if (!(error instanceof AegisConfigError)) throw error;
    const secrets = secretVariables(config);
    return {
      secrets: error.problems.filter((p) => secrets.has(p.path)).map(secretProblemFrom),
      other: error.problems.filter((p) => !secrets.has(p.path)).map(configProblemFrom),
    };
  }
}
