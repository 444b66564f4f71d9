/** The environment profile a policy is resolved against. */
export type Profile = 'development' | 'test' | 'production';

export const PROFILES: readonly Profile[] = ['development', 'test', 'production'];

/**
 * Picks the profile: an explicit option wins, then `AEGIS_ENV`, then `NODE_ENV`, else `development`.
 * `dev` and `prod` are accepted as short forms. An unknown `NODE_ENV` (such as `staging`) means
 * production; an unknown `AEGIS_ENV` or `env` option is returned as `invalid` for the caller to report.
 */
export function detectProfile(
  explicit: unknown,
  env: NodeJS.ProcessEnv = process.env,
): { profile: Profile; source: string; invalid?: { source: string; value: string } } {
  if (explicit !== undefined) {
    if (isProfile(explicit)) return { profile: explicit, source: `env: '${explicit}' option` };
    return { profile: 'production', source: 'env option', invalid: { source: 'env', value: String(explicit) } };
  }
  for (const name of ['AEGIS_ENV', 'NODE_ENV'] as const) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const normalised = normaliseProfileName(value);
    if (normalised) return { profile: normalised, source: `${name}=${value}` };
    // An unrecognised value never relaxes anything. NODE_ENV=staging (and the like) resolves as
    // production; a typo in our own AEGIS_ENV is reported as a configuration problem.
    if (name === 'NODE_ENV') return { profile: 'production', source: `${name}=${value}` };
    return { profile: 'production', source: name, invalid: { source: name, value } };
  }
  return { profile: 'development', source: 'AEGIS_ENV and NODE_ENV unset' };
}

function normaliseProfileName(value: string): Profile | undefined {
  const lower = value.trim().toLowerCase();
  if (lower === 'dev') return 'development';
  if (lower === 'prod') return 'production';
  return isProfile(lower) ? lower : undefined;
}

function isProfile(value: unknown): value is Profile {
  return typeof value === 'string' && (PROFILES as readonly string[]).includes(value);
}
