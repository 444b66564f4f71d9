import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AegisConfigError } from '../core/config-error.js';
import { aegis, isAegisPolicy, type AegisPolicy } from '../core/policy.js';
import { CommandFailure, UsageError } from './io.js';

/** The names `aegis check` looks for in the working directory when no --policy is given, in this order. */
export const POLICY_MODULE_NAMES: readonly string[] = ['aegis.policy.js', 'aegis.policy.mjs', 'aegis.policy.cjs', 'aegis.policy.ts', 'aegis.policy.mts', 'aegis.policy.cts'];

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() === true;

/** The default policy module in a directory, if there is one. */
export function findPolicyModule(cwd: string): string | undefined {
  return POLICY_MODULE_NAMES.map((name) => join(cwd, name)).find(isFile);
}

/**
 * The policy module to check: `given` (resolved against `cwd`), which must be a file, or the first
 * of {@link POLICY_MODULE_NAMES} in `cwd`.
 * @throws UsageError naming the missing file, or listing the names that were looked for.
 */
export function locatePolicyModule(cwd: string, given: string | undefined): string {
  if (given !== undefined) {
    const file = resolve(cwd, given);
    const stats = statSync(file, { throwIfNoEntry: false });
    if (!stats) throw new UsageError(`policy file not found: ${file}`);
    if (!stats.isFile()) throw new UsageError(`policy file is not a file: ${file}`);
    return file;
  }
  const found = findPolicyModule(cwd);
  if (!found) throw new UsageError(`no policy module in ${cwd} (looked for ${POLICY_MODULE_NAMES.join(', ')}): pass --policy <file>, or create one of them.`);
  return found;
}

/** A module's import failure in one line: `SyntaxError: Unexpected end of input`, `boom`. */
export function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name === 'Error' || error.message.startsWith(`${error.name}:`) ? error.message : `${error.name}: ${error.message}`;
}

/**
 * Imports a policy module with `env` in place (its `aegis()` call reads AEGIS_ENV when it runs).
 * JavaScript is imported as is. TypeScript is run through `tsx` when the project has it (full
 * fidelity), else transpiled on its own with the project's `typescript` (a single-file module
 * whose imports are packages or JavaScript); with neither, the error says what to install.
 */
export async function importPolicyModule(file: string, env: NodeJS.ProcessEnv): Promise<unknown> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    if (/\.(?:c|m)?ts$/.test(file)) return await importTypeScript(file);
    // A query string makes a fresh module record, so one process can check several profiles.
    return await import(`${pathToFileURL(file).href}?aegis-check=${Date.now()}-${Math.random()}`);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key);
    Object.assign(process.env, saved);
  }
}

async function importTypeScript(file: string): Promise<unknown> {
  const require = createRequire(file);
  const tsx = tryResolve(require, 'tsx/esm/api');
  if (tsx) {
    const api = (await import(pathToFileURL(tsx).href)) as { tsImport(specifier: string, parent: string): Promise<unknown> };
    return api.tsImport(pathToFileURL(file).href, pathToFileURL(file).href);
  }
  const typescript = tryResolve(require, 'typescript');
  if (!typescript) throw new Error('a TypeScript policy module needs `tsx` or `typescript` installed in the project (npm install -D tsx), or compile it to JavaScript first.');
  const ts = (await import(pathToFileURL(typescript).href)) as { default: TypeScriptApi } & TypeScriptApi;
  const api = ts.default ?? ts;
  const output = api.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: api.ModuleKind.ESNext, target: api.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: file,
  }).outputText;
  // Beside the original (under a hidden name, removed right after), so that its relative imports
  // and the project's packages resolve exactly as they would for the original.
  const compiled = join(dirname(file), `.aegis-check-${process.pid}-${Date.now()}.mjs`);
  try {
    writeFileSync(compiled, output);
    return await import(pathToFileURL(compiled).href);
  } finally {
    rmSync(compiled, { force: true });
  }
}

interface TypeScriptApi {
  transpileModule(source: string, options: { compilerOptions: object; fileName: string }): { outputText: string };
  ModuleKind: { ESNext: number };
  ScriptTarget: { ES2022: number };
}

function tryResolve(require: NodeJS.Require, specifier: string): string | undefined {
  try {
    return require.resolve(specifier);
  } catch {
    return undefined;
  }
}

/** The exports of a policy module that hold the policy: `policy`, else the default export. */
export interface PolicyExports {
  policy?: unknown;
  default?: unknown;
}

/**
 * The policy a module exports (`policy`, else its default export): an Aegis policy as it is, from
 * this copy of Aegis or another, or options compiled with `aegis()` under `env.AEGIS_ENV`
 * (quietly: no development notice). Shared by `aegis check --policy` and `aegis scan --expect`.
 * @throws UsageError when the module exports no policy.
 * @throws AegisConfigError (of any copy of Aegis: see {@link isAegisConfigError}) when the options are invalid.
 * @example const policy = policyFromModule(await importPolicyModule(file, env), env);
 */
export function policyFromModule(exported: PolicyExports, env: NodeJS.ProcessEnv): AegisPolicy {
  const candidate = exported.policy ?? exported.default;
  if (isAegisPolicy(candidate)) return candidate;
  if (typeof candidate === 'object' && candidate !== null) {
    const previous = process.env.AEGIS_ENV;
    process.env.AEGIS_ENV = env.AEGIS_ENV;
    try {
      return aegis({ quiet: true, ...(candidate as object) });
    } finally {
      if (previous === undefined) delete process.env.AEGIS_ENV;
      else process.env.AEGIS_ENV = previous;
    }
  }
  throw new UsageError('the policy module exports no policy: export `policy` (from aegis()) or its options, or a default export.');
}

/**
 * An AegisConfigError from this copy of Aegis or another: a CommonJS policy module that
 * `require('aegis')`s throws the CommonJS build's class, which `instanceof` does not recognise.
 */
export function isAegisConfigError(error: unknown): error is AegisConfigError {
  return error instanceof AegisConfigError || (error instanceof Error && error.name === 'AegisConfigError' && Array.isArray((error as { problems?: unknown }).problems));
}

/**
 * Imports a policy module ({@link importPolicyModule}) and returns its policy
 * ({@link policyFromModule}), for commands that need the policy and nothing else (`aegis scan
 * --expect`, `aegis audit csrf`): every failure is one error with a one-line cause.
 * @throws UsageError when the module exports no policy.
 * @throws CommandFailure when the module fails to load (`could not load <file>: …`) or its policy
 * is invalid (`<file>: Invalid Aegis policy (n problems): …`, every problem listed); its `cause`
 * is the original error (the AegisConfigError, for a command that lists the problems itself).
 * @example const expected = await loadExpectedPolicy(locatePolicyModule(io.cwd, values.expect), { ...io.env, AEGIS_ENV: 'production' });
 */
export async function loadExpectedPolicy(file: string, env: NodeJS.ProcessEnv): Promise<AegisPolicy> {
  try {
    return policyFromModule((await importPolicyModule(file, env)) as PolicyExports, env);
  } catch (error) {
    if (isAegisConfigError(error)) throw new CommandFailure(`${file}: ${error.message}`, { cause: error });
    if (error instanceof UsageError) throw error;
    throw new CommandFailure(`could not load ${file}: ${describeLoadError(error)}`, { cause: error });
  }
}
