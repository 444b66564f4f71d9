import { ServerResponse, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { aegis } from '../../src/index.js';
import { publicHeaderWriter, storeWriter, type HeaderWriter } from '../../src/adapters/node/header-writer.js';
import { AegisServerResponse, headerWriter, virtualHeadersEnabled } from '../../src/adapters/node/aegis-response.js';

type Script = (res: ServerResponse) => unknown;

/** Renders a response through Node's serialiser into its output buffer (no socket). */
function render(writer: HeaderWriter, Class: typeof ServerResponse, script: Script, preset: boolean) {
  const policy = aegis({ env: 'production', hosts: ['example.com'], quiet: true });
  const res = new Class({ method: 'GET', httpVersionMajor: 1, httpVersionMinor: 1, headers: {} } as IncomingMessage);
  res.sendDate = false;
  if (preset) {
    res.setHeader('X-Powered-By', 'Express');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN'); // set before Aegis: Aegis' value replaces it, as setHeader would
    res.setHeader('X-Early', 'kept');
  }
  writer.apply(res, policy.compiled.plan, true, 'NONCE');
  const result = JSON.stringify(script(res) ?? null, (_key, value: unknown) => (value instanceof ServerResponse ? 'response' : value));
  res.end('body');
  const wire = (res as unknown as { outputData: Array<{ data: unknown }> }).outputData.map((c) => String(c.data)).join('');
  return { result, names: [...res.getHeaderNames()].sort(), headers: res.getHeaders(), lines: wire.split('\r\n').sort(), wire };
}

const SCRIPTS: Array<[string, Script]> = [
  ['unchanged', () => undefined],
  ['read', (res) => [res.getHeader('x-frame-options'), res.getHeader('Content-Security-Policy'), res.hasHeader('Referrer-Policy'), res.hasHeader('x-nothing')]],
  ['overridden', (res) => res.setHeader('X-Frame-Options', 'SAMEORIGIN')],
  ['removed', (res) => res.removeHeader('Referrer-Policy')],
  ['appended to', (res) => res.appendHeader('Permissions-Policy', 'fullscreen=()')],
  ['CSP replaced', (res) => res.setHeader('Content-Security-Policy', "default-src 'none'")],
  ['CSP removed, then read', (res) => (res.removeHeader('content-security-policy'), res.getHeader('content-security-policy'))],
  ['everything removed', (res) => res.getHeaderNames().forEach((name) => res.removeHeader(name))],
  ['listed', (res) => [res.getHeaderNames().sort(), Object.keys(res.getHeaders()).sort()]],
  ['writeHead with an object', (res) => res.writeHead(201, { 'X-Extra': '1', 'X-Frame-Options': 'SAMEORIGIN' })],
  ['writeHead with a flat array', (res) => res.writeHead(202, ['X-Extra', '2', 'Referrer-Policy', 'no-referrer'])],
  ['the same value set again', (res) => res.setHeader('X-Frame-Options', 'DENY')],
  ['flushHeaders early', (res) => res.flushHeaders()],
];

describe('header writers', () => {
  it('use the fast paths on this Node.js version', () => {
    expect(storeWriter.fast).toBe(true);
    expect(virtualHeadersEnabled).toBe(true);
    expect(headerWriter.fast).toBe(true);
  });

  describe.each([true, false])('with a header set before Aegis: %s', (preset) => {
    it.each(SCRIPTS)('store entries behave exactly like setHeader when the plan is %s', (_name, script) => {
      const expected = render(publicHeaderWriter, ServerResponse, script, preset);
      const actual = render(storeWriter, ServerResponse, script, preset);
      expect(actual.wire).toBe(expected.wire);
      expect(actual.result).toBe(expected.result);
      expect(actual.names).toEqual(expected.names);
    });

    it.each(SCRIPTS)('virtual headers behave like setHeader (same lines, same API answers) when the plan is %s', (_name, script) => {
      const expected = render(publicHeaderWriter, ServerResponse, script, preset);
      const actual = render(headerWriter, AegisServerResponse, script, preset);
      expect(actual.lines).toEqual(expected.lines);
      expect(actual.result).toBe(expected.result);
      expect(actual.names).toEqual(expected.names);
      expect(actual.headers).toEqual(expected.headers);
      expect(actual.wire).not.toContain('X-Powered-By');
    });
  });

  it('sends the unchanged planned headers as one block right after the status line', () => {
    const { wire } = render(headerWriter, AegisServerResponse, () => undefined, false);
    expect(wire.startsWith('HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=63072000; includeSubDomains\r\nReporting-Endpoints: csp-endpoint="/_aegis/csp-report"\r\nX-Frame-Options: DENY\r\n')).toBe(true);
  });
});
