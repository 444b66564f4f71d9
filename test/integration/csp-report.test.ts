import { afterEach, describe, expect, it } from 'vitest';
import type { AegisOptions } from '../../src/index.js';
import { sendRaw } from '../helpers/raw-http.js';
import { ADAPTERS, startServer, type TestServer } from '../helpers/servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const POLICY: AegisOptions = { env: 'test', hosts: ['example.com'] };
const report = (type: string, body: string, path = '/_aegis/csp-report', method = 'POST') =>
  `${method} ${path} HTTP/1.1\r\nHost: example.com\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

const LEGACY = JSON.stringify({
  'csp-report': {
    'document-uri': 'https://example.com/account?session=s3cr3t#frag',
    referrer: '',
    'violated-directive': 'script-src-elem',
    'effective-directive': 'script-src-elem',
    'original-policy': "default-src 'self'",
    disposition: 'enforce',
    'blocked-uri': 'inline',
    'line-number': 12,
    'column-number': 7,
    'source-file': 'https://example.com/account?session=s3cr3t',
    'status-code': 200,
    'script-sample': 'alert(document.cookie) and a lot more text after it',
  },
});

const REPORTING_API = JSON.stringify([
  {
    type: 'csp-violation',
    age: 10,
    url: 'https://example.com/page',
    user_agent: 'test',
    body: { documentURL: 'https://example.com/page', blockedURL: 'https://cdn.evil.example/x.js?u=1', effectiveDirective: 'script-src-elem', disposition: 'report', originalPolicy: "script-src 'self'", statusCode: 200 },
  },
  { type: 'deprecation', age: 1, url: 'https://example.com/page', body: { id: 'x' } },
]);

describe.each(ADAPTERS)('%s adapter: CSP report endpoint', (adapter) => {
  it('turns an application/csp-report body into one event, without query strings', async () => {
    server = await startServer(adapter, POLICY);
    const response = await sendRaw(server.port, report('application/csp-report', LEGACY));
    expect([response.status, response.body]).toEqual([204, '']);
    expect(server.events).toHaveLength(1);
    expect(server.events[0]).toMatchObject({
      type: 'csp.violation',
      level: 'warn',
      ip: '127.0.0.1',
      method: 'POST',
      path: '/_aegis/csp-report',
      reason: 'csp.blocked',
      detail: {
        documentURL: 'https://example.com/account',
        blockedURL: 'inline',
        effectiveDirective: 'script-src-elem',
        disposition: 'enforce',
        sourceFile: 'https://example.com/account',
        lineNumber: 12,
        columnNumber: 7,
        statusCode: 200,
        sample: 'alert(document.cookie) and a lot more te…',
      },
    });
    expect(JSON.stringify(server.events)).not.toContain('s3cr3t');
  });

  it('turns application/reports+json violations into events and skips other report types', async () => {
    server = await startServer(adapter, POLICY);
    const response = await sendRaw(server.port, report('application/reports+json', REPORTING_API));
    expect(response.status).toBe(204);
    expect(server.events.map((e) => [e.type, e.reason, e.detail])).toEqual([
      ['csp.violation', 'csp.reported', { documentURL: 'https://example.com/page', blockedURL: 'https://cdn.evil.example/x.js', effectiveDirective: 'script-src-elem', disposition: 'report', statusCode: 200 }],
    ]);
  });

  it.each([
    ['GET', 'application/csp-report', LEGACY, 405, 'Method Not Allowed\n', 'csp_report.method'],
    ['POST', 'text/plain', LEGACY, 415, 'Unsupported Media Type\n', 'csp_report.content_type'],
    ['POST', 'application/csp-report', '{"csp-report": ', 400, 'Bad Request\n', 'csp_report.malformed'],
    ['POST', 'application/csp-report', '{"hello": "world"}', 400, 'Bad Request\n', 'csp_report.malformed'],
    ['POST', 'application/reports+json', '[1, 2]', 400, 'Bad Request\n', 'csp_report.malformed'],
  ])('%s with %s → %i', async (method, type, body, status, text, reason) => {
    server = await startServer(adapter, POLICY);
    const response = await sendRaw(server.port, report(type, body, '/_aegis/csp-report', method));
    expect([response.status, response.body]).toEqual([status, text]);
    if (status === 405) expect(response.headers.allow).toBe('POST');
    expect(server.events.map((e) => [e.type, e.status, e.reason])).toEqual([['csp.report_rejected', status, reason]]);
  });

  it('bounds the body size, declared or streamed', async () => {
    server = await startServer(adapter, { ...POLICY, reporting: { maxBodySize: '1kb' } });
    const big = JSON.stringify({ 'csp-report': { 'document-uri': `https://example.com/${'x'.repeat(2000)}` } });
    expect((await sendRaw(server.port, report('application/csp-report', big))).status).toBe(413);
    const chunked = `POST /_aegis/csp-report HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/csp-report\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(2000).toString(16)}\r\n${'x'.repeat(2000)}\r\n0\r\n\r\n`;
    const response = await sendRaw(server.port, chunked);
    expect([response.status, response.body]).toEqual([413, 'Payload Too Large\n']);
  });

  it('bounds the rate per client, with Retry-After', async () => {
    server = await startServer(adapter, { ...POLICY, reporting: { rate: '3/min' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await sendRaw(server.port, report('application/csp-report', LEGACY))).status);
    expect(statuses).toEqual([204, 204, 204, 429, 429]);
    const limited = await sendRaw(server.port, report('application/csp-report', LEGACY));
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('serves the endpoint at a custom path, and not at all when reporting is off', async () => {
    server = await startServer(adapter, { ...POLICY, reporting: { path: '/csp' } });
    expect((await sendRaw(server.port, report('application/csp-report', LEGACY, '/csp'))).status).toBe(204);
    await server.close();
    server = await startServer(adapter, { ...POLICY, reporting: false });
    const response = await sendRaw(server.port, report('application/csp-report', LEGACY));
    expect(response.body).toBe(`received ${Buffer.byteLength(LEGACY)}`);
  });
});
