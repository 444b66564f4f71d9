import { ServerResponse, type IncomingMessage } from 'node:http';
import { renderCsp } from '../../headers/csp.js';
import type { HeaderPlan, PlannedHeader } from '../../headers/plan.js';

/**
 * Writes a header plan onto a node:http response.
 *
 * The plain way, `res.setHeader()` per header, is correct everywhere but costly for a dozen
 * constant headers: Node validates each name and value with regular expressions and lower-cases
 * the name on every call, and stores them in a null-prototype object, which V8 keeps in slow
 * "dictionary" mode, so every later store and the final walk over the headers are slow too.
 *
 * The fast way stores the very entries `setHeader` would store (`[name, value]` under the
 * lower-case name, in Node's header store `kOutHeaders`), without re-validating values that were
 * validated once at construction, in an object V8 keeps in fast mode (same null-prototype
 * behaviour: nothing inherited). `getHeader`, `removeHeader`, `appendHeader`, an application's own
 * `setHeader` and Node's serialiser all work on it unchanged.
 *
 * The header store is a Node.js internal, so the fast writer is verified once at start-up: a
 * response written with it must produce, byte for byte, what `setHeader` produces, through Node's
 * own serialiser into its output buffer. If anything differs (another Node version or runtime),
 * every write uses `setHeader` instead.
 */
export interface HeaderWriter {
  /** Sets the plan's headers (the secure set on secure requests), the CSP with this nonce, and removals. */
  apply(res: ServerResponse, plan: HeaderPlan, secure: boolean, nonce: string): void;
  /** Removes headers (lower-case names) that something set after `apply`, e.g. Express's X-Powered-By. */
  strip(res: ServerResponse, lowerNames: readonly string[]): void;
  /** True when the fast path is in use. */
  readonly fast: boolean;
}

/** A header entry as Node stores it: `[name as given, value]`. */
export type Entry = [string, unknown];
/** Lower-case name → entry. */
export type HeaderStore = Record<string, Entry>;

/**
 * A header store in V8's fast mode: instances inherit from an empty null-prototype object, so, like
 * Node's `{ __proto__: null }`, they have no inherited keys (`constructor`, `__proto__`, … are plain
 * header names), but unlike it they are not dictionaries.
 */
function FastStore(this: HeaderStore): void {}
FastStore.prototype = Object.create(null) as object;
/** A new, empty header store in fast mode. */
export const newStore = (): HeaderStore => new (FastStore as unknown as new () => HeaderStore)();

export const publicHeaderWriter: HeaderWriter = {
  fast: false,
  apply(res, plan, secure, nonce) {
    for (const [name, value] of secure ? plan.secure : plan.plain) res.setHeader(name, value);
    if (plan.csp) res.setHeader(plan.csp.headerName, renderCsp(plan.csp, secure, nonce));
    for (const name of plan.remove) res.removeHeader(name);
  },
  strip(res, lowerNames) {
    for (const name of lowerNames) res.removeHeader(name);
  },
};

function createFastWriter(store: symbol): HeaderWriter {
  return {
    fast: true,
    apply(res, plan, secure, nonce) {
      const target = res as unknown as Record<symbol, HeaderStore | null | undefined>;
      const existing = target[store];
      if (existing === undefined || res.headersSent) {
        publicHeaderWriter.apply(res, plan, secure, nonce);
        return;
      }
      const headers = newStore();
      if (existing !== null) {
        // Keep what was set before (Express's X-Powered-By, …), minus the headers to remove.
        for (const key in existing) if (!plan.remove.includes(key)) headers[key] = existing[key] as Entry;
      }
      const planned = secure ? plan.secure : plan.plain;
      for (let i = 0; i < planned.length; i++) {
        const header = planned[i] as PlannedHeader;
        headers[header[2]] = [header[0], header[1]]; // a fresh array: appendHeader() mutates entries
      }
      const { csp } = plan;
      if (csp) headers[csp.lowerName] = [csp.headerName, renderCsp(csp, secure, nonce)];
      target[store] = headers;
    },
    strip(res, lowerNames) {
      const target = res as unknown as Record<symbol, HeaderStore | null | undefined>;
      const existing = target[store];
      if (!existing || res.headersSent || !lowerNames.some((name) => existing[name] !== undefined)) return;
      // Rebuilt rather than `delete`d: a delete would turn the store into a slow dictionary.
      const headers = newStore();
      for (const key in existing) if (!lowerNames.includes(key)) headers[key] = existing[key] as Entry;
      target[store] = headers;
    },
  };
}

/**
 * Renders one probe response through Node's own serialiser: planned headers written by `writer`,
 * then overridden, removed, appended to and added to by "the application". Returns the header
 * names Node reports and the exact bytes it would send. @internal
 */
export function renderProbe(
  writer: HeaderWriter,
  Class: new (req: IncomingMessage) => ServerResponse = ServerResponse,
  application: (res: ServerResponse) => unknown = defaultApplication,
  presets = true,
): { names: string; wire: string; result: string } {
  const entries: PlannedHeader[] = [
    ['X-Aegis-A', '1', 'x-aegis-a'],
    ['X-Aegis-B', '2', 'x-aegis-b'],
    ['X-Aegis-C', '3', 'x-aegis-c'],
    ['X-Aegis-D', '4', 'x-aegis-d'],
  ];
  const template = ["script-src 'nonce-", "'"];
  const plan: HeaderPlan = {
    secure: entries,
    plain: entries,
    csp: { headerName: 'Content-Security-Policy', lowerName: 'content-security-policy', template, plainTemplate: template, directives: new Map() },
    remove: ['x-powered-by'],
  };
  const res = probeResponse(Class);
  res.sendDate = false;
  if (presets) {
    res.setHeader('X-Powered-By', 'probe');
    res.setHeader('X-Before', 'kept');
  }
  writer.apply(res, plan, true, 'n0nce');
  const result = JSON.stringify(application(res) ?? null, (_key, value: unknown) => (value instanceof ServerResponse ? 'response' : value));
  if (!res.headersSent) res.setHeader('Content-Type', 'text/plain');
  res.end('ok');
  const output = (res as unknown as { outputData: Array<{ data: unknown }> }).outputData;
  return { names: res.getHeaderNames().sort().join(','), wire: output.map((chunk) => String(chunk.data)).join(''), result };
}

/** What the default probe's application does: read, override, remove and append planned headers. */
function defaultApplication(res: ServerResponse): unknown {
  const seen = [res.getHeader('x-aegis-a'), res.hasHeader('X-Aegis-B'), res.getHeader('x-powered-by')];
  res.setHeader('X-Aegis-B', 'app');
  res.removeHeader('X-Aegis-C');
  res.appendHeader('X-Aegis-D', '5');
  return seen;
}

/** True when the fast writer gives exactly what setHeader gives. */
function verify(writer: HeaderWriter): boolean {
  const expected = renderProbe(publicHeaderWriter);
  const actual = renderProbe(writer);
  return expected.wire.includes("script-src 'nonce-n0nce'") && actual.result === expected.result && actual.names === expected.names && actual.wire === expected.wire;
}

/** A detached response (no socket): Node buffers its output in `outputData`. @internal */
export function probeResponse(Class: new (req: IncomingMessage) => ServerResponse = ServerResponse): ServerResponse {
  return new Class({ method: 'GET', httpVersionMajor: 1, httpVersionMinor: 1, headers: {} } as IncomingMessage);
}

/** Node's header store symbol, when it is where this code expects it. @internal */
export const headerStore: symbol | undefined = (() => {
  const probe = probeResponse();
  const store = Object.getOwnPropertySymbols(probe).find((s) => s.description === 'kOutHeaders');
  return store && (probe as unknown as Record<symbol, unknown>)[store] === null ? store : undefined;
})();

function chooseWriter(): HeaderWriter {
  try {
    if (process.env.AEGIS_HEADER_WRITER === 'public' || !headerStore) return publicHeaderWriter;
    const fast = createFastWriter(headerStore);
    return verify(fast) ? fast : publicHeaderWriter;
  } catch {
    return publicHeaderWriter;
  }
}

/** The writer for responses of any class: fast entries when verified, else setHeader. */
export const storeWriter: HeaderWriter = chooseWriter();
