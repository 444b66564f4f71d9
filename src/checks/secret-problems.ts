import { configMeta } from '../config/load-config.js';
import { assessSecret } from '../config/secret-strength.js';
import { isSecret, isSecretRing, type Secret } from '../config/secret.js';
import type { SecretProblem } from './facts.js';

/**
 * The problems of the secrets in a loaded configuration (`loadConfig`'s result, or any object whose
 * values include Secret / SecretRing): too weak, a placeholder, or equal to another secret. Names
 * are the environment variables for a `loadConfig` result (the keys otherwise), and a ring's
 * members are named like `key 2 of 3 in SIGNING_KEYS`; values never appear.
 */
export function secretProblemsOf(config: object): SecretProblem[] {
  const problems: SecretProblem[] = [];
  const seen = new Map<string, string>();
  const variables = variablesOf(config);
  for (const [key, value] of Object.entries(config)) {
    const name = variables[key] ?? key;
    const secrets: Array<[string, Secret]> = isSecret(value)
      ? [[name, value]]
      : isSecretRing(value)
        ? value.all.map((secret, index): [string, Secret] => [value.all.length > 1 ? `key ${index + 1} of ${value.all.length} in ${name}` : name, secret])
        : [];
    for (const [label, secret] of secrets) {
      const revealed = secret.reveal();
      const assessment = assessSecret(revealed);
      if (assessment.problems.length > 0) problems.push({ name: label, message: `${assessment.problems.join('; ')}.` });
      const first = seen.get(revealed);
      if (first !== undefined) problems.push({ name: label, message: `the same value as ${first}: every secret must be different.` });
      else seen.set(revealed, label);
    }
  }
  return problems;
}

/** Key → environment variable, for a `loadConfig` result; empty for any other object. */
function variablesOf(config: object): Readonly<Partial<Record<string, string>>> {
  try {
    return configMeta(config).variables;
  } catch {
    return {};
  }
}
