import { ServerResponse, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { aegis } from '../../src/index.js';
import { headerWriter, publicHeaderWriter, type HeaderWriter } from '../../src/adapters/node/header-writer.js';

/** Renders a response through Node's serialiser into its output buffer (no socket). */
function render(writer: HeaderWriter, script: (res: ServerResponse) => void): string {
  const policy = aegis({ env: 'production', hosts: ['example.com'], quiet: true });
  const res = new ServerResponse({ method: 'GET', httpVersionMajor: 1, httpVersionMinor: 1, headers: {} } as IncomingMessage);
  res.sendDate = false;
  res.setHeader('X-Powered-By', 'Express');
  writer.apply(res, policy.compiled.plan, true, 'NONCE');
  script(res);
  res.end('body');
  return (res as unknown as { outputData: Array<{ data: unknown }> }).outputData.map((c) => String(c.data)).join('');
}

const lines = (text: string) => text.split('\r\n').sort();

describe('the fast header writer', () => {
  it('is in use on this Node.js version', () => {
    expect(headerWriter.fast).toBe(true);
  });

  it.each<[string, (res: ServerResponse) => void]>([
    ['unchanged', () => {}],
    ['overridden by the application', (res) => res.setHeader('X-Frame-Options', 'SAMEORIGIN')],
    ['removed by the application', (res) => res.removeHeader('Referrer-Policy')],
    ['appended to by the application', (res) => res.appendHeader('Permissions-Policy', 'fullscreen=()')],
    ['CSP replaced', (res) => res.setHeader('Content-Security-Policy', "default-src 'none'")],
    ['everything removed', (res) => res.getHeaderNames().forEach((name) => res.removeHeader(name))],
    ['writeHead with its own headers', (res) => res.writeHead(201, { 'X-Extra': '1', 'X-Frame-Options': 'SAMEORIGIN' })],
    ['a second identical value set by the app', (res) => res.setHeader('X-Frame-Options', 'DENY')],
  ])('sends exactly what setHeader would when the plan is %s', (_name, script) => {
    const fast = render(headerWriter, script);
    const plain = render(publicHeaderWriter, script);
    expect(lines(fast)).toEqual(lines(plain));
    expect(fast).not.toContain('X-Powered-By');
  });

  it('sends the planned block right after the status line', () => {
    expect(render(headerWriter, () => {}).startsWith('HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=63072000; includeSubDomains\r\nReporting-Endpoints: csp-endpoint="/_aegis/csp-report"\r\nX-Frame-Options: DENY\r\n')).toBe(true);
  });
});
