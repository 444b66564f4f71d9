import { describe, expect, it } from 'vitest';
import { ANSI_COLOUR, NO_COLOUR, paletteFor } from '../../src/checks/report.js';

// Colour only on a terminal, and never with NO_COLOR set to something (https://no-color.org).

describe('paletteFor', () => {
  it.each<[string, { isTTY?: boolean }, NodeJS.ProcessEnv, boolean]>([
    ['a terminal', { isTTY: true }, {}, true],
    ['a pipe', { isTTY: false }, {}, false],
    ['a stream that does not say', {}, {}, false],
    ['a terminal with NO_COLOR=1', { isTTY: true }, { NO_COLOR: '1' }, false],
    ['a terminal with NO_COLOR=0 (any value counts)', { isTTY: true }, { NO_COLOR: '0' }, false],
    ['a terminal with NO_COLOR empty (treated as unset)', { isTTY: true }, { NO_COLOR: '' }, true],
  ])('%s', (_name, stream, env, coloured) => {
    expect(paletteFor(stream, env)).toBe(coloured ? ANSI_COLOUR : NO_COLOUR);
  });
});
