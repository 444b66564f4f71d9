import { ServerResponse, type IncomingMessage } from 'node:http';
import type { HeaderPlan, PlannedHeader } from '../../headers/plan.js';

/**
 * Writes a header plan onto a node:http response.
 *
 * The plain way, `res.setHeader()` per header, is correct everywhere but slow: Node validates
 * every name and value with regular expressions when they are set, then lower-cases, inspects and
 * concatenates every header again when the response is serialised. For a dozen constant security
 * headers on a hello-world response that is a quarter of the server's time.
 *
 * The fast way keeps Node's semantics and skips the repeated work:
 * 1. Each planned header is stored as a real header entry, exactly as `setHeader` would store it
 *    (`res[kOutHeaders][lowerName] = [name, value]`), but without re-validating values that were
 *    validated once, at construction. `getHeader`, `removeHeader`, `appendHeader` and an
 *    application's own `setHeader` override all behave as usual.
 * 2. When Node serialises the headers (`_storeHeader`), every planned header still present and
 *    unchanged is taken out of that pass and sent as one precomputed block after the status line;
 *    anything the application changed, appended or added goes through Node's normal path.
 *
 * Both steps touch Node internals (`kOutHeaders`, `_storeHeader`), so they are verified once at
 * start-up with a full round trip through Node's own serialiser into its output buffer. If
 * anything differs (another Node version or runtime), every write uses `setHeader` instead.
 */
export interface HeaderWriter {
  /** Sets the plan's headers (HSTS only on secure requests), the CSP with this request's nonce, and removals. */
  apply(res: ServerResponse, plan: HeaderPlan, secure: boolean, nonce: string): void;
  /** True when the fast path is in use. */
  readonly fast: boolean;
}

type Entry = [string, unknown];
type HeaderStore = Record<string, Entry>;
type Internal = Record<symbol, unknown> & { _storeHeader(firstLine: string, headers: HeaderStore | null): void };

const ACTIVE = Symbol('aegis.header-block');

/** One response's planned headers, for the serialisation step. */
interface Active {
  readonly headers: readonly PlannedHeader[];
  readonly block: string;
  readonly cspLower: string | undefined;
  readonly cspName: string;
  readonly cspValue: string;
}

/** Block strings per plan and scheme, computed on first use. */
const blocks = new WeakMap<readonly PlannedHeader[], string>();

function blockFor(headers: readonly PlannedHeader[]): string {
  let block = blocks.get(headers);
  if (block === undefined) {
    block = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
    blocks.set(headers, block);
  }
  return block;
}

export const publicHeaderWriter: HeaderWriter = {
  fast: false,
  apply(res, plan, secure, nonce) {
    for (const [name, value] of secure ? plan.secure : plan.plain) res.setHeader(name, value);
    if (plan.csp) res.setHeader(plan.csp.headerName, (secure ? plan.csp.template : plan.csp.plainTemplate).join(nonce));
    for (const name of plan.remove) res.removeHeader(name);
  },
};

function createFastWriter(store: symbol, serialise: Internal['_storeHeader']): HeaderWriter {
  /** Replaces `_storeHeader` for one response: planned, unchanged headers go out as one block. */
  function storeWithBlock(this: Internal, firstLine: string, headers: HeaderStore | null): void {
    const active = this[ACTIVE] as Active | undefined;
    if (!active || headers === null || headers !== this[store]) {
      serialise.call(this, firstLine, headers);
      return;
    }
    const planned = active.headers;
    const rest: HeaderStore = { __proto__: null } as unknown as HeaderStore;
    let taken = 0;
    let cspTaken = false;
    for (const key in headers) {
      const entry = headers[key] as Entry;
      if (key === active.cspLower && entry[1] === active.cspValue && entry[0] === active.cspName) {
        cspTaken = true;
        continue;
      }
      const index = indexOf(planned, key);
      const header = index === -1 ? undefined : planned[index];
      if (header && entry[1] === header[1] && entry[0] === header[0]) taken |= 1 << index;
      else rest[key] = entry;
    }
    const everything = taken === (1 << planned.length) - 1;
    let block = everything ? active.block : partialBlock(planned, taken);
    if (cspTaken) block += `${active.cspName}: ${active.cspValue}\r\n`;
    this[store] = rest;
    try {
      serialise.call(this, firstLine + block, rest);
    } finally {
      this[store] = headers;
    }
  }

  return {
    fast: true,
    apply(res, plan, secure, nonce) {
      const target = res as unknown as Internal;
      let headers = target[store] as HeaderStore | null | undefined;
      if (headers === undefined || res.headersSent || plan.secure.length > 31) {
        publicHeaderWriter.apply(res, plan, secure, nonce);
        return;
      }
      for (const name of plan.remove) {
        if (headers !== null && headers[name] !== undefined) res.removeHeader(name);
      }
      if (headers === null) {
        headers = { __proto__: null } as unknown as HeaderStore;
        target[store] = headers;
      }
      const planned = secure ? plan.secure : plan.plain;
      for (let i = 0; i < planned.length; i++) {
        const header = planned[i] as PlannedHeader;
        headers[header[2]] = [header[0], header[1]]; // a fresh array: appendHeader() mutates entries
      }
      const { csp } = plan;
      const cspValue = csp ? (secure ? csp.template : csp.plainTemplate).join(nonce) : '';
      if (csp) headers[csp.lowerName] = [csp.headerName, cspValue];
      const active: Active = { headers: planned, block: blockFor(planned), cspLower: csp?.lowerName, cspName: csp?.headerName ?? '', cspValue };
      target[ACTIVE] = active;
      if (target._storeHeader !== storeWithBlock) target._storeHeader = storeWithBlock;
    },
  };
}

function indexOf(planned: readonly PlannedHeader[], lowerName: string): number {
  for (let i = 0; i < planned.length; i++) if ((planned[i] as PlannedHeader)[2] === lowerName) return i;
  return -1;
}

function partialBlock(planned: readonly PlannedHeader[], taken: number): string {
  let block = '';
  for (let i = 0; i < planned.length; i++) {
    if (taken & (1 << i)) block += `${(planned[i] as PlannedHeader)[0]}: ${(planned[i] as PlannedHeader)[1]}\r\n`;
  }
  return block;
}

/**
 * Finds the internals and proves the fast writer produces exactly what setHeader would: the same
 * bytes in Node's output buffer for a response with planned, overridden, removed and
 * application-set headers.
 */
function verify(writer: HeaderWriter): boolean {
  const plan: HeaderPlan = {
    secure: [['X-Aegis-A', '1', 'x-aegis-a'], ['X-Aegis-B', '2', 'x-aegis-b'], ['X-Aegis-C', '3', 'x-aegis-c']],
    plain: [['X-Aegis-A', '1', 'x-aegis-a'], ['X-Aegis-B', '2', 'x-aegis-b'], ['X-Aegis-C', '3', 'x-aegis-c']],
    csp: {
      headerName: 'Content-Security-Policy',
      lowerName: 'content-security-policy',
      template: ["script-src 'nonce-", "'"],
      plainTemplate: ["script-src 'nonce-", "'"],
      directives: new Map(),
    },
    remove: ['x-powered-by'],
  };
  const render = (apply: (res: ServerResponse) => void): string => {
    const res = new ServerResponse({ method: 'GET', httpVersionMajor: 1, httpVersionMinor: 1, headers: {} } as IncomingMessage);
    res.sendDate = false;
    res.setHeader('X-Powered-By', 'probe');
    apply(res);
    res.setHeader('X-Aegis-B', 'app'); // an application override
    res.removeHeader('X-Aegis-C'); // an application removal
    res.setHeader('Content-Type', 'text/plain');
    if (res.getHeader('x-aegis-a') !== '1') throw new Error('getHeader does not see planned headers');
    res.end('ok');
    const output = (res as unknown as { outputData: Array<{ data: unknown }> }).outputData;
    return output.map((chunk) => String(chunk.data)).join('');
  };
  const normal = render((res) => publicHeaderWriter.apply(res, plan, true, 'n0nce'));
  const fast = render((res) => writer.apply(res, plan, true, 'n0nce'));
  const sorted = (text: string) => text.split('\r\n').sort().join('\n');
  return fast.startsWith('HTTP/1.1 200 OK\r\nX-Aegis-A: 1\r\n') && sorted(fast) === sorted(normal) && normal.includes("script-src 'nonce-n0nce'");
}

function chooseWriter(): HeaderWriter {
  try {
    if (process.env.AEGIS_HEADER_WRITER === 'public') return publicHeaderWriter;
    const probe = new ServerResponse({ method: 'GET', httpVersionMajor: 1, httpVersionMinor: 1, headers: {} } as IncomingMessage);
    const store = Object.getOwnPropertySymbols(probe).find((s) => s.description === 'kOutHeaders');
    const serialise = (probe as unknown as Internal)._storeHeader;
    if (!store || (probe as unknown as Internal)[store] !== null || typeof serialise !== 'function') return publicHeaderWriter;
    const fast = createFastWriter(store, serialise);
    return verify(fast) ? fast : publicHeaderWriter;
  } catch {
    return publicHeaderWriter;
  }
}

/** The writer chosen for this process (`AEGIS_HEADER_WRITER=public` forces the plain one). */
export const headerWriter: HeaderWriter = chooseWriter();
