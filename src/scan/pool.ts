/** A bounded task pool: the scan's probes and targets run at most `limit` at a time. */

/**
 * Runs `tasks` with at most `limit` in flight and resolves to their results in task order. A task
 * must not reject (the scan's probes resolve to errors instead); if one does, the pool rejects.
 * @example await pool([() => fetchA(), () => fetchB()], 2)
 */
export async function pool<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task) results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}
