import type { SecretProblem } from '../checks/facts.js';
import { secretProblemsOf } from '../checks/secret-problems.js';
import { loadConfig } from '../config/load-config.js';
import { AegisConfigError } from '../core/config-error.js';
import type { Profile } from '../core/profile.js';

/** True for a loadConfig schema: an object whose entries each name an environment variable and a type. */
function isSchema(value: object): boolean {
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((entry) => typeof entry === 'object' && entry !== null && 'type' in entry && 'env' in entry);
}

/**
 * The problems of a policy module's `config` export. A schema is loaded from `env` for the profile
 * (production refuses weak, placeholder and repeated secrets); its problems are split into secret
 * problems and other configuration problems, by variable name. A loaded configuration has its
 * secrets assessed directly.
 */
export function configProblemsFromModule(config: unknown, profile: Profile, env: NodeJS.ProcessEnv): { secrets: SecretProblem[]; other: SecretProblem[] } {
  if (typeof config !== 'object' || config === null) return { secrets: [], other: [] };
  if (!isSchema(config)) return { secrets: profile === 'production' ? secretProblemsOf(config) : [], other: [] };
  const secretVariables = new Set(
    Object.values(config as Record<string, { env: string; type: string }>)
      .filter((entry) => entry.type === 'secret' || entry.type === 'secrets')
      .map((entry) => entry.env),
  );
  try {
    loadConfig(config as Parameters<typeof loadConfig>[0], { env, profile, envFile: false });
    return { secrets: [], other: [] };
  } catch (error) {
    if (!(error instanceof AegisConfigError)) throw error;
    const problems = error.problems.map((problem) => ({ name: problem.path, message: problem.message }));
    return { secrets: problems.filter((p) => secretVariables.has(p.name)), other: problems.filter((p) => !secretVariables.has(p.name)) };
  }
}
