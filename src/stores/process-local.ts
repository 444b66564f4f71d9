/**
 * Marks stores whose state lives in one process's memory (the memory backends). `aegis check`
 * reads the mark (AEGIS-W017): with several instances behind a load balancer, each keeps its own
 * rate limits, nonces, idempotency keys and sessions, and a restart loses them.
 *
 * The symbol is registered (`Symbol.for`), so the mark is seen across module copies (an ESM and a
 * CommonJS copy of Aegis in one process), and a store written outside Aegis that keeps its state in
 * memory can carry it too: `readonly [Symbol.for('aegis.store.processLocal')] = true`.
 * @internal
 */
export const PROCESS_LOCAL: unique symbol = Symbol.for('aegis.store.processLocal');

/** True for a store marked with {@link PROCESS_LOCAL}: its state is kept in this process only. */
export function isProcessLocal(store: unknown): boolean {
  return typeof store === 'object' && store !== null && (store as Record<symbol, unknown>)[PROCESS_LOCAL] === true;
}
