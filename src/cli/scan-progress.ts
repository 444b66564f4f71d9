/**
 * The progress line `aegis scan` draws on a terminal's stderr while it works: one line, rewritten
 * in place, cleared at the end. Nothing is drawn when stderr is not a terminal (CI logs, pipes).
 */

import type { ScanProgress } from '../scan/run/options.js';

/** A progress display: `update` on each step, `done` once at the end. */
export interface ProgressDisplay {
  readonly update: (progress: ScanProgress) => void;
  readonly done: () => void;
}

/** Longest line drawn (the terminal would wrap a longer one, and `\r` would no longer rewrite it). */
const WIDTH = 78;

const NONE: ProgressDisplay = { update: () => undefined, done: () => undefined };

/**
 * A display on `stream` when it is a terminal, else one that draws nothing. With several targets at
 * once the line shows the overall count of finished steps and the target that moved last.
 * @example const progress = progressDisplay(process.stderr, 3); await scanAll(urls, { onProgress: progress.update }); progress.done();
 */
export function progressDisplay(stream: { write(text: string): unknown; isTTY?: boolean }, targets: number): ProgressDisplay {
  if (stream.isTTY !== true) return NONE;
  const perTarget = new Map<string, ScanProgress>();
  let drawn = false;
  return {
    update(progress) {
      perTarget.set(progress.target, progress);
      const finished = [...perTarget.values()].filter((entry) => entry.done >= entry.total).length;
      const line = `aegis scan: ${finished}/${targets} done · ${progress.target} ${progress.done}/${progress.total} ${progress.step}`;
      stream.write(`\r\u001b[K${line.length > WIDTH ? `${line.slice(0, WIDTH - 1)}…` : line}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}
