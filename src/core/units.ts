/**
 * Readable durations and sizes, parsed once at construction.
 *
 * Durations: a number of milliseconds, or a string such as `'500ms'`, `'30s'`, `'30m'`, `'1h'`, `'2d'`,
 * `'1w'`, `'2y'` (a year is 365 days). Sizes: a number of bytes, or a string such as `'512b'`, `'64kb'`,
 * `'1mb'`, `'1gb'` — binary units (1kb = 1024 bytes; `kib`/`mib`/`gib` are accepted as synonyms).
 */

/** A duration: milliseconds, or a readable string like `'30m'`. */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`;
type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'y';

/** A size: bytes, or a readable string like `'1mb'`. */
export type Size = number | `${number}${SizeUnit}` | `${number} ${SizeUnit}`;
type SizeUnit = 'b' | 'kb' | 'mb' | 'gb' | 'kib' | 'mib' | 'gib' | 'KB' | 'MB' | 'GB';

const DURATION_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

const SIZE_BYTES: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

const UNIT_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/;

/** Parses a duration into milliseconds; returns `undefined` when it is not a valid, non-negative duration. */
export function parseDuration(value: unknown): number | undefined {
  return parseWithUnits(value, DURATION_MS);
}

/** Parses a size into bytes; returns `undefined` when it is not a valid, non-negative size. */
export function parseSize(value: unknown): number | undefined {
  return parseWithUnits(value, SIZE_BYTES);
}

function parseWithUnits(value: unknown, units: Record<string, number>): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = UNIT_PATTERN.exec(value);
  if (!match) return undefined;
  const factor = units[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return undefined;
  return Math.round(Number(match[1]) * factor);
}

/** A rate: `{ max, window }`, or a string such as `'60/min'`, `'10/s'`, `'1000/hour'`. */
export type Rate = `${number}/${RateUnit}` | { max: number; window: Duration };
type RateUnit = 's' | 'sec' | 'second' | 'm' | 'min' | 'minute' | 'h' | 'hour' | 'd' | 'day';

const RATE_WINDOW_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
};

/** Parses a rate into `{ max, windowMs }`; `undefined` when invalid. */
export function parseRate(value: unknown): { max: number; windowMs: number } | undefined {
  if (typeof value === 'string') {
    const match = /^\s*(\d+)\s*\/\s*([a-z]+)\s*$/i.exec(value);
    const windowMs = match ? RATE_WINDOW_MS[(match[2] ?? '').toLowerCase()] : undefined;
    const max = Number(match?.[1]);
    return windowMs !== undefined && max > 0 ? { max, windowMs } : undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const { max, window } = value as { max?: unknown; window?: unknown };
    const windowMs = parseDuration(window);
    if (typeof max === 'number' && Number.isInteger(max) && max > 0 && windowMs !== undefined && windowMs > 0) return { max, windowMs };
  }
  return undefined;
}
