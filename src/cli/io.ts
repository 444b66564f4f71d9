import { parseArgs, type ParseArgsConfig } from 'node:util';
import { paletteFor, type Palette } from '../checks/report.js';

/** Where a command writes, and what it knows of its surroundings (injected, so tests can run it in-process). */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** The package version (for reports that name the tool); `main` fills it in. */
  readonly version?: string;
}

/** A usage mistake: exit code 2, with the command's help pointer. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command that could not do its work although it was used correctly (a policy module that fails to load): exit code 1. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** An error's message, for one line of output (anything can be thrown). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The process's own streams and environment. */
export function processIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** Colours for stdout: only on a terminal, never with NO_COLOR. */
export function colours(io: CommandIo): Palette {
  return paletteFor(io.stdout, io.env);
}

/** Parses a command's options strictly: unknown options and positionals are usage errors. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T): ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** An option's value, when it is one of `allowed`; otherwise a usage error naming them. */
export function oneOf<T extends string>(allowed: readonly T[], value: string, option: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not "${value}".`);
}
