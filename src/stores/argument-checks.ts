/**
 * The argument checks every store contract shares, so that a bad key or time gets the same
 * TypeError wording from each store (and from each of its backends).
 * @internal
 */
import { describeValue } from './session-store.js';

/** The latest time accepted (exclusive): 2^42 ms, in the year 2109; times in µs stay below 2^53. */
export const MAX_TIME_MS = 2 ** 42;

/**
 * Throws `<store>: <name> must be a non-empty string of at most <max> characters, got …` unless
 * `value` is one (a string too long is described by its length, never shown).
 */
export function assertBoundedString(store: string, name: string, value: unknown, max: number): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    const got = typeof value === 'string' && value.length > max ? `${value.length} characters` : describeValue(value);
    throw new TypeError(`${store}: ${name} must be a non-empty string of at most ${max} characters, got ${got}.`);
  }
}

/** Throws `<store>: <name> must be a finite number of ms since epoch, from 0 to 2^42, got …` unless `value` is one. */
export function assertTimeMs(store: string, name: string, value: unknown): asserts value is number {
  // `!(value >= 0)` also refuses NaN; `value < MAX_TIME_MS` refuses Infinity.
  if (typeof value !== 'number' || !(value >= 0) || value >= MAX_TIME_MS) {
    throw new TypeError(`${store}: ${name} must be a finite number of ms since epoch, from 0 to 2^42, got ${describeValue(value)}.`);
  }
}
