/**
 * A fixed-window counter per key, in memory, with a bounded number of keys. Good enough to keep a
 * built-in endpoint (CSP reports) from being flooded by one client; shared, store-backed rate
 * limiting is the rate-limit feature's job.
 * @internal
 */
export class WindowCounter {
  private counts = new Map<string, number>();
  private windowStart = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one hit; returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string, now = Date.now()): number {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    if (count > this.max) return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000));
    if (!this.counts.has(key) && this.counts.size >= this.maxKeys) {
      // Too many distinct clients this window: refuse new ones rather than grow without bound.
      return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000));
    }
    this.counts.set(key, count);
    return 0;
  }
}
