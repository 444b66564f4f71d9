import { describe, expect, it } from 'vitest';
import { detectProfile } from '../../src/core/profile.js';

describe('profile detection', () => {
  it.each([
    [undefined, {}, 'development', 'AEGIS_ENV and NODE_ENV unset'],
    [undefined, { NODE_ENV: 'production' }, 'production', 'NODE_ENV=production'],
    [undefined, { NODE_ENV: 'test' }, 'test', 'NODE_ENV=test'],
    [undefined, { NODE_ENV: 'dev' }, 'development', 'NODE_ENV=dev'],
    [undefined, { NODE_ENV: 'staging' }, 'production', 'NODE_ENV=staging'],
    [undefined, { AEGIS_ENV: 'prod', NODE_ENV: 'development' }, 'production', 'AEGIS_ENV=prod'],
    [undefined, { AEGIS_ENV: '', NODE_ENV: 'test' }, 'test', 'NODE_ENV=test'],
    ['test', { AEGIS_ENV: 'production' }, 'test', "env: 'test' option"],
  ])('option %j with %j → %s', (explicit, env, profile, source) => {
    expect(detectProfile(explicit, env)).toEqual({ profile, source });
  });

  it('reports an unknown AEGIS_ENV and resolves it as production', () => {
    expect(detectProfile(undefined, { AEGIS_ENV: 'prodution' })).toEqual({ profile: 'production', source: 'AEGIS_ENV', invalid: { source: 'AEGIS_ENV', value: 'prodution' } });
  });
});
