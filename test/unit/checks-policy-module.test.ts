import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/io.js';
import { describeLoadError, locatePolicyModule, POLICY_MODULE_NAMES } from '../../src/cli/policy-module.js';

// Where `aegis check` finds the policy module, and how it words a module that fails to load.

const root = mkdtempSync(join(tmpdir(), 'aegis-policy-module-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A new directory holding these (empty) files. */
function directoryWith(name: string, files: readonly string[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const file of files) writeFileSync(join(dir, file), '');
  return dir;
}

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('no usage error');
}

describe('locatePolicyModule', () => {
  it('looks for .js, .mjs, .cjs, .ts, .mts and .cts, in that order', () => {
    expect(POLICY_MODULE_NAMES).toEqual(['aegis.policy.js', 'aegis.policy.mjs', 'aegis.policy.cjs', 'aegis.policy.ts', 'aegis.policy.mts', 'aegis.policy.cts']);
  });

  it.each(POLICY_MODULE_NAMES.map((name) => [name]))('finds %s alone', (name) => {
    const dir = directoryWith(`only-${name}`, [name]);
    expect(locatePolicyModule(dir, undefined)).toBe(join(dir, name));
  });

  it('prefers JavaScript to TypeScript', () => {
    const dir = directoryWith('both', ['aegis.policy.mts', 'aegis.policy.mjs']);
    expect(locatePolicyModule(dir, undefined)).toBe(join(dir, 'aegis.policy.mjs'));
  });

  it('skips a directory with a policy module name', () => {
    const dir = directoryWith('named-directory', ['aegis.policy.ts']);
    mkdirSync(join(dir, 'aegis.policy.js'));
    expect(locatePolicyModule(dir, undefined)).toBe(join(dir, 'aegis.policy.ts'));
  });

  it('lists every name it looked for when there is none', () => {
    const dir = directoryWith('none', ['policy.js']);
    expect(usageMessage(() => locatePolicyModule(dir, undefined))).toBe(
      `no policy module in ${dir} (looked for aegis.policy.js, aegis.policy.mjs, aegis.policy.cjs, aegis.policy.ts, aegis.policy.mts, aegis.policy.cts): pass --policy <file>, or create one of them.`,
    );
  });

  it('resolves --policy against the working directory and requires a file', () => {
    const dir = directoryWith('given', ['custom.mjs']);
    expect(locatePolicyModule(dir, 'custom.mjs')).toBe(join(dir, 'custom.mjs'));
    expect(usageMessage(() => locatePolicyModule(dir, 'missing.js'))).toBe(`policy file not found: ${join(dir, 'missing.js')}`);
    expect(usageMessage(() => locatePolicyModule(root, 'given'))).toBe(`policy file is not a file: ${dir}`);
  });
});

describe('describeLoadError', () => {
  it.each<[string, unknown, string]>([
    ['an Error: its message', new Error('boom'), 'boom'],
    ['a SyntaxError: its name too', new SyntaxError('Unexpected end of input'), 'SyntaxError: Unexpected end of input'],
    ['a TypeError: its name too', new TypeError('x is not a function'), 'TypeError: x is not a function'],
    ['a string', 'plain', 'plain'],
    ['undefined', undefined, 'undefined'],
  ])('%s', (_name, error, expected) => {
    expect(describeLoadError(error)).toBe(expected);
  });
});
