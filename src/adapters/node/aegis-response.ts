import { IncomingMessage, ServerResponse, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import { renderCsp, type CompiledCsp } from '../../headers/csp.js';
import type { HeaderPlan, PlannedHeader } from '../../headers/plan.js';
import type { RequestState } from '../../core/request.js';
import { headerStore, newStore, publicHeaderWriter, renderProbe, storeWriter, type HeaderStore, type HeaderWriter } from './header-writer.js';

/**
 * Request and response classes for servers made by `createServer()` / `serverOptions()`.
 *
 * Node serialises headers one at a time, and for a dozen short security headers on a small
 * response that per-header bookkeeping is most of what they cost. An AegisServerResponse keeps its
 * planned headers *virtual*: they are not entered in Node's header store one by one, but sent as
 * one precomputed block after the status line when the response starts. The header API behaves as
 * if they had been set with `setHeader`:
 * - `getHeader` / `hasHeader` see them;
 * - `setHeader` of the same name replaces one, `removeHeader` removes one;
 * - `appendHeader`, `getHeaders`, `getHeaderNames`, `getRawHeaderNames` first turn them into
 *   ordinary entries, and from then on Node's own code does everything.
 * The overrides are own properties, so frameworks that replace the response's prototype
 * (Express) keep them. Both classes declare their Aegis fields in the constructor, because adding
 * properties to Node's objects later would change their hidden classes and slow Node's own code.
 *
 * This relies on Node internals (the header store, `_storeHeader`), so it is checked at start-up
 * against `setHeader` through Node's own serialiser, operation by operation; if anything differs,
 * the classes are plain Node classes and Aegis sets real headers.
 */

const PLAN = Symbol('aegis.virtual-plan');
const CSP_VALUE = Symbol('aegis.virtual-csp-value');
const DROPPED = Symbol('aegis.virtual-dropped');

/** Where an AegisIncomingMessage keeps its request state. */
export const STATE = Symbol('aegis.request-state');

/** The planned headers of one plan and scheme, with what the request path needs precomputed. */
interface VirtualPlan {
  readonly headers: readonly PlannedHeader[];
  /** Lower-case name → position (the CSP is position `headers.length`). */
  readonly index: ReadonlyMap<string, number>;
  /** Name lengths present in `index`: most application headers are ruled out without lower-casing. */
  readonly lengths: ReadonlySet<number>;
  /** Every header, `Name: value\r\n`, in order. */
  readonly block: string;
  readonly csp: CompiledCsp | undefined;
}

interface Virtual {
  [PLAN]: VirtualPlan | undefined;
  [CSP_VALUE]: string;
  /** Bit i set: planned header i was replaced, removed or turned into a real entry. */
  [DROPPED]: number;
}

type Response = ServerResponse & Virtual;
type Store = Record<symbol, HeaderStore | null>;
type Serialise = (this: ServerResponse, firstLine: string, headers: unknown) => void;

const nodeSerialise = (ServerResponse.prototype as unknown as { _storeHeader: Serialise })._storeHeader;
const proto = ServerResponse.prototype;

/** Cache slot on a plan's header list (an array Aegis compiled; never a Node object). */
const VIRTUAL_PLAN = Symbol('aegis.virtual-plan-cache');
type Cached = readonly PlannedHeader[] & { [VIRTUAL_PLAN]?: VirtualPlan };

function virtualPlan(headers: Cached, csp: CompiledCsp | undefined): VirtualPlan {
  const cached = headers[VIRTUAL_PLAN];
  if (cached !== undefined && cached.csp === csp) return cached;
  const index = new Map(headers.map((header, i) => [header[2], i]));
  if (csp) index.set(csp.lowerName, headers.length);
  const lengths = new Set([...index.keys()].map((name) => name.length));
  const plan: VirtualPlan = { headers, index, lengths, block: headers.map(([name, value]) => `${name}: ${value}\r\n`).join(''), csp };
  headers[VIRTUAL_PLAN] = plan;
  return plan;
}

/** Position of a header name in the plan, or undefined. */
function positionOf(plan: VirtualPlan, name: string): number | undefined {
  return plan.lengths.has(name.length) ? plan.index.get(name.toLowerCase()) : undefined;
}

/** The value of a virtual header, when it is still virtual. */
function virtualValue(res: Response, name: string): string | undefined {
  const plan = res[PLAN];
  if (plan === undefined) return undefined;
  const i = positionOf(plan, name);
  if (i === undefined || res[DROPPED] & (1 << i)) return undefined;
  return i === plan.headers.length ? res[CSP_VALUE] : (plan.headers[i] as PlannedHeader)[1];
}

function drop(res: Response, name: string): void {
  const plan = res[PLAN];
  const i = plan === undefined ? undefined : positionOf(plan, name);
  if (i !== undefined) res[DROPPED] |= 1 << i;
}

/** Turns the remaining virtual headers into ordinary entries; Node's code takes over from there. */
function materialise(res: Response): void {
  const plan = res[PLAN];
  if (plan === undefined) return;
  const record = res as unknown as Store;
  const store = record[headerStore as symbol] ?? newStore();
  const dropped = res[DROPPED];
  plan.headers.forEach(([name, value, lower], i) => {
    if (!(dropped & (1 << i))) store[lower] = [name, value];
  });
  if (plan.csp && !(dropped & (1 << plan.headers.length))) store[plan.csp.lowerName] = [plan.csp.headerName, res[CSP_VALUE]];
  record[headerStore as symbol] = store;
  res[PLAN] = undefined;
}

function blockOf(res: Response, plan: VirtualPlan, except: ReadonlySet<string> | undefined): string {
  const dropped = res[DROPPED];
  let block = '';
  if (dropped === 0 && except === undefined) block = plan.block;
  else {
    plan.headers.forEach(([name, value, lower], i) => {
      if (!(dropped & (1 << i)) && !except?.has(lower)) block += `${name}: ${value}\r\n`;
    });
  }
  const { csp } = plan;
  if (csp && !(dropped & (1 << plan.headers.length)) && !except?.has(csp.lowerName)) block += `${csp.headerName}: ${res[CSP_VALUE]}\r\n`;
  return block;
}

/** Lower-case names given directly to `writeHead(status, headers)`. */
function namesIn(headers: unknown): Set<string> {
  const names = new Set<string>();
  if (Array.isArray(headers)) {
    if (Array.isArray(headers[0])) for (const pair of headers as unknown[][]) names.add(String(pair[0]).toLowerCase());
    else for (let i = 0; i < headers.length; i += 2) names.add(String(headers[i]).toLowerCase());
  } else if (headers && typeof headers === 'object') for (const key of Object.keys(headers)) names.add(key.toLowerCase());
  return names;
}

// The overrides, installed as own properties by the constructor.
function setHeader(this: Response, name: string, value: number | string | readonly string[]): ServerResponse {
  proto.setHeader.call(this, name, value);
  if (this[PLAN] !== undefined) drop(this, name);
  return this;
}
function getHeader(this: Response, name: string): number | string | string[] | undefined {
  const value = proto.getHeader.call(this, name);
  return value !== undefined || this[PLAN] === undefined ? value : virtualValue(this, name);
}
function hasHeader(this: Response, name: string): boolean {
  return proto.hasHeader.call(this, name) || (this[PLAN] !== undefined && virtualValue(this, name) !== undefined);
}
function removeHeader(this: Response, name: string): void {
  proto.removeHeader.call(this, name);
  if (this[PLAN] !== undefined) drop(this, name);
}
function appendHeader(this: Response, name: string, value: string | readonly string[]): ServerResponse {
  materialise(this);
  return proto.appendHeader.call(this, name, value);
}
function getHeaders(this: Response): OutgoingHttpHeaders {
  materialise(this);
  return proto.getHeaders.call(this);
}
function getHeaderNames(this: Response): string[] {
  materialise(this);
  return proto.getHeaderNames.call(this);
}
/** Node has it; @types/node does not declare it. */
const nodeGetRawHeaderNames = (proto as unknown as { getRawHeaderNames(this: ServerResponse): string[] }).getRawHeaderNames;
function getRawHeaderNames(this: Response): string[] {
  materialise(this);
  return nodeGetRawHeaderNames.call(this);
}
function serialise(this: Response, firstLine: string, headers: unknown): void {
  const plan = this[PLAN];
  if (plan === undefined) {
    nodeSerialise.call(this, firstLine, headers);
    return;
  }
  // writeHead(status, headers) on a response with an empty store passes its headers straight here.
  const direct = headers !== undefined && headers !== null && headers !== (this as unknown as Store)[headerStore as symbol];
  nodeSerialise.call(this, firstLine + blockOf(this, plan, direct ? namesIn(headers) : undefined), headers);
}

class VirtualHeadersResponse extends ServerResponse implements Virtual {
  [PLAN]: VirtualPlan | undefined = undefined;
  [CSP_VALUE] = '';
  [DROPPED] = 0;

  constructor(...args: ConstructorParameters<typeof ServerResponse>) {
    super(...args);
    const self = this as unknown as Record<string, unknown>;
    self.setHeader = setHeader;
    self.getHeader = getHeader;
    self.hasHeader = hasHeader;
    self.removeHeader = removeHeader;
    self.appendHeader = appendHeader;
    self.getHeaders = getHeaders;
    self.getHeaderNames = getHeaderNames;
    self.getRawHeaderNames = getRawHeaderNames;
    self._storeHeader = serialise;
  }
}

/** Writes plans as virtual headers on a {@link VirtualHeadersResponse}, and as real ones elsewhere. */
function createVirtualWriter(fallback: HeaderWriter): HeaderWriter {
  return {
    fast: true,
    apply(res, plan: HeaderPlan, secure, nonce) {
      if (!(PLAN in res) || res.headersSent) {
        fallback.apply(res, plan, secure, nonce);
        return;
      }
      const virtual = res as Response;
      const record = virtual as unknown as Store;
      const { csp } = plan;
      virtual[PLAN] = virtualPlan(secure ? plan.secure : plan.plain, csp);
      virtual[CSP_VALUE] = csp ? renderCsp(csp, secure, nonce) : '';
      virtual[DROPPED] = 0;
      const store = record[headerStore as symbol];
      if (store === null) {
        // Never empty: with a store, writeHead(status, headers) files its headers through setHeader
        // (as it would had Aegis used setHeader), and Node's own later entries land in a fast object.
        record[headerStore as symbol] = newStore();
        return;
      }
      // As with setHeader, the plan replaces a header of the same name set before it.
      const replaced = plan.remove.slice();
      for (const key in store) if (virtual[PLAN].index.has(key)) replaced.push(key);
      fallback.strip(res, replaced);
    },
    strip(res, lowerNames) {
      fallback.strip(res, lowerNames);
    },
  };
}

/** A node:http request with a slot for its Aegis state. */
export class AegisIncomingMessage extends IncomingMessage {
  [STATE]: RequestState | undefined = undefined;
}

/** Every header operation an application may do, checked against plain setHeader semantics. */
const SCENARIOS: ReadonlyArray<(res: ServerResponse) => unknown> = [
  () => undefined,
  (res) => res.setHeader('X-Aegis-B', 'app'),
  (res) => res.removeHeader('x-aegis-c'),
  (res) => res.appendHeader('X-Aegis-D', '5'),
  (res) => [res.getHeader('X-AEGIS-A'), res.hasHeader('x-aegis-b'), res.getHeader('content-security-policy'), res.hasHeader('x-missing')],
  (res) => [res.getHeaderNames().sort(), Object.keys(res.getHeaders()).sort(), nodeGetRawHeaderNames.call(res).sort()],
  (res) => res.writeHead(201, { 'X-Aegis-A': 'direct', 'X-Extra': '1' } as OutgoingHttpHeaders),
  (res) => res.writeHead(202, ['X-Aegis-B', 'flat', 'X-Extra', '2'] as unknown as OutgoingHttpHeader[]),
  (res) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'");
    res.removeHeader('X-Aegis-A');
    return res.getHeader('x-aegis-a');
  },
];

/** True when a VirtualHeadersResponse behaves exactly like setHeader, scenario by scenario. */
function verify(writer: HeaderWriter): boolean {
  if (headerStore === undefined || typeof nodeSerialise !== 'function') return false;
  const lines = (wire: string) => wire.split('\r\n').sort().join('\n');
  return [true, false].every((presets) =>
    SCENARIOS.every((scenario) => {
      const expected = renderProbe(publicHeaderWriter, ServerResponse, scenario, presets);
      const actual = renderProbe(writer, VirtualHeadersResponse, scenario, presets);
      return expected.result === actual.result && expected.names === actual.names && lines(expected.wire) === lines(actual.wire) && actual.wire.startsWith('HTTP/1.1 20');
    }),
  );
}

function chooseVirtual(): HeaderWriter | undefined {
  if (!storeWriter.fast) return undefined;
  try {
    const writer = createVirtualWriter(storeWriter);
    return verify(writer) ? writer : undefined;
  } catch {
    return undefined;
  }
}

const virtualWriter = chooseVirtual();

/**
 * The header writer for every adapter built on node:http: virtual headers on an
 * AegisServerResponse, fast store entries on other responses, `setHeader` when either failed its
 * start-up check (`AEGIS_HEADER_WRITER=public` forces `setHeader`).
 */
export const headerWriter: HeaderWriter = virtualWriter ?? storeWriter;

/** True when responses of {@link AegisServerResponse} carry their planned headers virtually. */
export const virtualHeadersEnabled = virtualWriter !== undefined;

/** The response class for Aegis servers: virtual headers when they passed their check, else Node's own. */
export const AegisServerResponse: typeof ServerResponse = virtualHeadersEnabled ? (VirtualHeadersResponse as unknown as typeof ServerResponse) : ServerResponse;
