/** An in-process CommandIo for running `main()` of the aegis command inside a test. */

import type { CommandIo } from '../../src/cli/io.js';

/** A CommandIo that records what is written; `isTTY` applies to both streams. */
export function recordingIo(env: NodeJS.ProcessEnv, cwd: string, isTTY: boolean): { io: CommandIo; stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: { isTTY, write: (text: string) => (stdout += text) },
    stderr: { isTTY, write: (text: string) => (stderr += text) },
    env,
    cwd,
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}
