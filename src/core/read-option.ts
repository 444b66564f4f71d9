import type { Problems} from './config-error.js';
import { show } from './config-error.js';
import { unknownKeyFix } from './suggest.js';
import { parseDuration, parseSize } from './units.js';

/**
 * Small readers used by every factory: each validates one option, reports a problem with its path
 * and fix, and returns a usable value so that validation can go on and list every problem at once.
 * @internal
 */

/** Reports keys of `value` that are not in `known`. Returns false when `value` is not a plain object. */
export function checkObject<T>(value: T, known: readonly string[], problems: Problems, path: string, example: string): value is T & Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.add(path, `expected an object, got ${show(value)}.`, `write ${example}.`);
    return false;
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.add(`${path}.${key}`, 'unknown option.', unknownKeyFix(key, known));
  }
  return true;
}

export function readBoolean(raw: unknown, fallback: boolean, problems: Problems, path: string): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw === 'boolean') return raw;
  problems.add(path, `expected true or false, got ${show(raw)}.`, `write ${lastKey(path)}: ${fallback}.`);
  return fallback;
}

export function readEnum<T extends string>(raw: unknown, allowed: readonly T[], fallback: T, problems: Problems, path: string): T {
  if (raw === undefined) return fallback;
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  problems.add(path, `${show(raw)} is not one of the allowed values.`, `use one of: ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`);
  return fallback;
}

export function readSize(raw: unknown, fallback: number, problems: Problems, path: string): number {
  if (raw === undefined) return fallback;
  const bytes = parseSize(raw);
  if (bytes !== undefined && Number.isInteger(bytes)) return bytes;
  problems.add(path, `${show(raw)} is not a size.`, "give bytes (1048576) or a size string ('1mb', '64kb').");
  return fallback;
}

export function readDuration(raw: unknown, fallback: number, problems: Problems, path: string): number {
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms !== undefined) return ms;
  problems.add(path, `${show(raw)} is not a duration.`, "give milliseconds (30000) or a duration string ('30s', '5m').");
  return fallback;
}

export function readPositiveInteger(raw: unknown, fallback: number, problems: Problems, path: string): number {
  if (raw === undefined) return fallback;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) return raw;
  problems.add(path, `${show(raw)} is not a positive whole number.`, `write ${lastKey(path)}: ${fallback}.`);
  return fallback;
}

function lastKey(path: string): string {
  return path.split('.').pop() ?? path;
}
