/**
 * A store in a second process, for the two-process SQLite tests: runs a fixture
 * (test/fixtures/*-store-child.mjs) that opens the store from `entry` on `file`, then forwards each
 * call as one JSON line and resolves with the child's reply. Replies come back in request order.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Calls `method(...args)` on the store in the child process. */
export type StoreCall = (method: string, ...args: unknown[]) => Promise<unknown>;

/** Starts `fixture` with `entry` and `file`, waits for its `{"ready":true}` line, and registers it in `children` for cleanup. */
export async function startStoreChild(fixture: string, entry: string, file: string, children: ChildProcessWithoutNullStreams[]): Promise<StoreCall> {
  const proc = spawn(process.execPath, [fixture, entry, file]);
  children.push(proc);
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error(`child exited: ${stderr}`);
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  const ready = await next();
  if (ready['ready'] !== true) throw new Error(`the child did not start: ${JSON.stringify(ready)} ${stderr}`);
  let queue = Promise.resolve<unknown>(undefined);
  return (method, ...args) => {
    proc.stdin.write(`${JSON.stringify({ method, args })}\n`);
    const reply = queue.then(next).then((r) => {
      if ('error' in r) throw new Error(String(r['error']));
      return r['result'] ?? undefined;
    });
    queue = reply.catch(() => undefined);
    return reply;
  };
}
