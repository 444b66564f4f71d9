/**
 * Operational routes behind the internal secret, through a real server: the right secret (any of
 * the rotation list) passes; a missing or wrong one gets 403; no configured secret makes the route
 * answer 503 (fail-safe, never open) and the production guard refuse to start. Events never carry
 * the secret.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { aegis, AegisConfigError, type AegisEvent, type AegisOptions } from 'aegis';
import { deploymentFindings } from 'aegis/checks';
import { startPolicyServer, type PolicyServer } from '../helpers/policy-server.js';

const NEW = randomBytes(32).toString('base64url');
const OLD = randomBytes(32).toString('base64url');
const ROUTES: AegisOptions['routes'] = [{ path: '/ops/*', internal: true }];
let running: PolicyServer | undefined;
let events: AegisEvent[] = [];

async function start(options: AegisOptions): Promise<void> {
  running = await startPolicyServer({ routes: ROUTES, ...options }, 'queue: 3');
  events = running.events;
}

async function get(path: string, headers: Record<string, string> = {}): Promise<[number, string]> {
  const response = await fetch((running as PolicyServer).base + path, { headers });
  return [response.status, await response.text()];
}

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('routes[].internal with internalSecret', () => {
  it('the current or the previous secret passes; missing or wrong gets 403; other routes are open', async () => {
    await start({ internalSecret: { secrets: [NEW, OLD] } });
    expect(await get('/ops/stats', { 'x-internal-secret': NEW })).toEqual([200, 'queue: 3']);
    expect(await get('/ops/stats', { 'x-internal-secret': OLD })).toEqual([200, 'queue: 3']);
    expect(await get('/ops/stats')).toEqual([403, 'Forbidden\n']);
    expect(await get('/ops/stats', { 'x-internal-secret': `${NEW}x` })).toEqual([403, 'Forbidden\n']);
    expect(await get('/ops/stats', { 'x-internal-secret': '' })).toEqual([403, 'Forbidden\n']);
    expect(await get('/status')).toEqual([200, 'queue: 3']);
    expect(events.map((e) => [e.type, e.reason, e.status, e.path])).toEqual([
      ['internal.rejected', 'internal.missing', 403, '/ops/stats'],
      ['internal.rejected', 'internal.invalid', 403, '/ops/stats'],
      ['internal.rejected', 'internal.missing', 403, '/ops/stats'],
    ]);
    expect(JSON.stringify(events)).not.toContain(NEW.slice(0, 20));
  });

  it('a custom header name', async () => {
    await start({ internalSecret: { secrets: [NEW], header: 'X-Ops-Token' } });
    expect(await get('/ops/stats', { 'x-ops-token': NEW })).toEqual([200, 'queue: 3']);
    expect(await get('/ops/stats', { 'x-internal-secret': NEW })).toEqual([403, 'Forbidden\n']);
  });

  it('without a configured secret the route fails safe: 503 for everyone, even with a header', async () => {
    await start({});
    expect(await get('/ops/stats', { 'x-internal-secret': NEW })).toEqual([503, 'Service Unavailable\n']);
    expect(events.map((e) => [e.type, e.reason, e.status])).toEqual([['internal.rejected', 'internal.not_configured', 503]]);
  });

  it('the production guard refuses internal routes without a secret (AEGIS-E011), and accepts them with one', () => {
    const base = { env: 'production' as const, quiet: true, hosts: ['ops.example.test'], routes: ROUTES };
    const without = deploymentFindings({ policy: aegis(base), tls: { kind: 'proxy' } }).filter((f) => f.id === 'AEGIS-E011');
    expect(without.map((f) => [f.severity, f.message])).toEqual([['error', 'Some routes are internal: true but the policy has no internalSecret: they answer 503 to everyone.']]);
    const withSecret = deploymentFindings({ policy: aegis({ ...base, internalSecret: { secrets: [NEW] } }), tls: { kind: 'proxy' } }).filter((f) => f.id === 'AEGIS-E011');
    expect(withSecret).toEqual([]);
  });

  it('refuses weak secrets and bad options without printing them', () => {
    let error: unknown;
    try {
      aegis({ env: 'development', quiet: true, internalSecret: { secrets: ['changeme'], header: 'bad header' }, routes: [{ path: '/x', internal: 'yes' as unknown as boolean }] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AegisConfigError);
    const problems = (error as AegisConfigError).problems;
    expect(problems.map((p) => p.path)).toEqual(['routes[0].internal', 'internalSecret.secrets[0]', 'internalSecret.header']);
    expect(JSON.stringify(problems)).not.toContain('changeme');
  });
});
