/**
 * Memoises a pure function of a string in a bounded map: when full, the map starts over.
 * Used for values that repeat across requests (peer addresses, Host headers) so the request path
 * parses each distinct value once. Bounded so that hostile, ever-changing input cannot grow it.
 * @internal
 */
export function memoise<T>(fn: (key: string) => T, limit = 4096): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as T;
    const value = fn(key);
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
    return value;
  };
}
