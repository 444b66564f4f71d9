import { describe, expect, it } from 'vitest';
import { parseDuration, parseRate, parseSize } from '../../src/index.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['2y', 63_072_000_000],
    ['1.5s', 1500],
    [' 10 s ', 10_000],
    [250, 250],
    [0, 0],
  ])('%j is %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([['10'], ['ten seconds'], ['5 parsecs'], ['-1s'], [-5], [Number.NaN], [Number.POSITIVE_INFINITY], [null], [{}], ['']])('%j is not a duration', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});

describe('parseSize', () => {
  it.each([
    ['1mb', 1_048_576],
    ['1MB', 1_048_576],
    ['64kb', 65_536],
    ['1 mib', 1_048_576],
    ['512b', 512],
    ['1gb', 1_073_741_824],
    ['0.5kb', 512],
    [4096, 4096],
  ])('%j is %d bytes', (input, expected) => {
    expect(parseSize(input)).toBe(expected);
  });

  it.each([['1 megabyte'], ['mb'], ['-1kb'], [true], ['1e3b']])('%j is not a size', (input) => {
    expect(parseSize(input)).toBeUndefined();
  });
});

describe('parseRate', () => {
  it.each([
    ['60/min', { max: 60, windowMs: 60_000 }],
    ['10/s', { max: 10, windowMs: 1000 }],
    ['1000 / hour', { max: 1000, windowMs: 3_600_000 }],
    ['5/day', { max: 5, windowMs: 86_400_000 }],
    [{ max: 3, window: '10s' }, { max: 3, windowMs: 10_000 }],
  ])('%j', (input, expected) => {
    expect(parseRate(input)).toEqual(expected);
  });

  it.each([['0/min'], ['60/fortnight'], ['60'], [{ max: 0, window: '1m' }], [{ max: 2, window: 'soon' }], [{ max: 1.5, window: '1m' }]])('%j is not a rate', (input) => {
    expect(parseRate(input)).toBeUndefined();
  });
});
