import { randomBytes } from 'node:crypto';
import { compilePolicy } from '../../src/core/compile-policy.js';
import { memorySessionStore } from '../../src/stores/index.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aegis, type AegisEvent, type EventLogger } from '../../src/index.js';
import { get, sendRaw } from '../helpers/raw-http.js';
import { startServer, type TestServer } from '../helpers/servers.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A logger with pino's call shape that records what it was given. */
function recordingLogger(): EventLogger & { lines: Array<[string, object, string | undefined]> } {
  const lines: Array<[string, object, string | undefined]> = [];
  return {
    lines,
    info: (object, message) => lines.push(['info', object, message]),
    warn: (object, message) => lines.push(['warn', object, message]),
    error: (object, message) => lines.push(['error', object, message]),
  };
}

describe('security events', () => {
  it('go to a pino-style logger at their level, and to onEvent', async () => {
    const logger = recordingLogger();
    const seen: AegisEvent[] = [];
    server = await startServer('node', aegis({ env: 'production', hosts: ['example.com'], logger, onEvent: (event) => seen.push(event) }));
    await sendRaw(server.port, get('/login?password=hunter2', 'evil.com', ['Authorization: Bearer abc.def.ghi', 'Cookie: sid=s3cr3t']));
    await sendRaw(server.port, get('/', 'example.com'));
    expect(logger.lines.map(([level, , message]) => [level, message])).toEqual([
      ['warn', 'host.rejected'],
      ['info', 'https.redirected'],
    ]);
    expect(seen.map((e) => e.type)).toEqual(['host.rejected', 'https.redirected']);
    const [, object] = logger.lines[0] as [string, { aegis: AegisEvent }, string];
    expect(object.aegis).toMatchObject({ type: 'host.rejected', ip: '127.0.0.1', method: 'GET', path: '/login', status: 421, reason: 'host.not_allowed', detail: { host: 'evil.com' } });
    expect(typeof object.aegis.time).toBe('number');
    const everything = JSON.stringify([logger.lines, seen]);
    for (const secret of ['hunter2', 'abc.def.ghi', 's3cr3t', 'password']) expect(everything).not.toContain(secret);
  });

  it('listen by type or with "*", and stop listening', async () => {
    server = await startServer('node', { env: 'test', hosts: ['example.com'] });
    const hosts: string[] = [];
    const stop = server.policy.on('host.rejected', (event) => hosts.push(event.reason));
    await sendRaw(server.port, get('/', '10.0.0.1'));
    stop();
    await sendRaw(server.port, get('/', '10.0.0.2'));
    expect(hosts).toEqual(['host.ip_literal']);
    expect(server.events.map((e) => e.reason)).toEqual(['host.ip_literal', 'host.ip_literal']);
  });

  it('a throwing listener never breaks a request, and is reported once', async () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      server = await startServer('express', { env: 'test', hosts: ['example.com'] });
      server.policy.on('*', () => {
        throw new Error('listener bug');
      });
      for (let i = 0; i < 3; i++) expect((await sendRaw(server.port, get('/', 'evil.com'))).status).toBe(421);
      expect((await sendRaw(server.port, get('/', 'example.com'))).status).toBe(200);
      expect(warning.mock.calls).toEqual([['An Aegis event listener threw (listener bug); further failures are not reported.', 'AegisWarning']]);
    } finally {
      warning.mockRestore();
    }
  });

  it('clips attacker-supplied text and removes control characters', async () => {
    server = await startServer('node', { env: 'test', hosts: ['example.com'] });
    const long = `${'a'.repeat(300)}.com`;
    await sendRaw(server.port, get('/', long));
    expect((server.events[0]?.detail as { host: string }).host).toBe(`${'a'.repeat(100)}…`);
  });
});

describe('the development profile', () => {
  it('prints what it relaxes, once per process, and nothing in test or production', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      aegis({ env: 'test' });
      aegis({ env: 'production', hosts: ['example.com'] });
      expect(write).not.toHaveBeenCalled();
      aegis({ env: 'development' });
      aegis({ env: 'development' });
      expect(write.mock.calls).toEqual([
        [
          "[aegis] development profile (env: 'development' option): relaxed for local work:\n" +
            '  - Strict-Transport-Security is not sent (it would pin localhost to HTTPS)\n' +
            '  - CSP upgrade-insecure-requests is off\n' +
            '  - plain HTTP is not redirected to HTTPS\n' +
            '  - hosts default to localhost, *.localhost, 127.0.0.1, [::1]\n' +
            '  Everything else is enforced as in production. Set AEGIS_ENV=production to run the strict profile.\n',
        ],
      ]);
    } finally {
      write.mockRestore();
    }
  });

  it('says when the session cookie is relaxed too (no Secure, no __Host-), and not when secure is set', () => {
    const sessions = { store: memorySessionStore(), secrets: [randomBytes(32).toString('base64url')] };
    const line = 'the session cookie is not Secure and has no __Host- prefix (so it works on http://localhost)';
    expect(compilePolicy({ env: 'development', sessions }).relaxed).toContain(line);
    expect(compilePolicy({ env: 'development', sessions: { ...sessions, secure: true } }).relaxed).not.toContain(line);
    expect(compilePolicy({ env: 'production', hosts: ['example.com'], sessions }).relaxed).toEqual([]);
  });
});
