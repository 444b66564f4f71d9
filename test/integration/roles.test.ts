/**
 * Role and permission checks in Express (`security.requireRole`, `security.requirePermission`),
 * with roles kept in real server-side sessions: 401 for nobody signed in, 403 for a missing role or
 * permission, each with an `rbac.denied` event; a policy without `roles` refuses (fail-safe).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aegis, type AegisEvent } from 'aegis';
import { aegisMiddleware } from 'aegis/express';
import { memorySessionStore } from 'aegis/stores';
import { configProblems } from '../helpers/config-problems.js';

let server: Server;
let base = '';
let events: AegisEvent[] = [];

beforeAll(async () => {
  const security = aegisMiddleware(
    aegis({
      env: 'development',
      quiet: true,
      csrf: false, // sign-in here is a bare POST; CSRF has its own tests
      onEvent: (e) => events.push(e),
      sessions: { store: memorySessionStore(), secrets: [randomBytes(32).toString('base64url')] },
      roles: {
        of: async (context) => ((await context.session?.userId()) === undefined ? undefined : ((await context.session?.get('roles')) as string[])),
        permissions: { admin: ['users.read', 'users.write'], support: ['users.read'] },
      },
    }),
  );
  const bare = aegisMiddleware(aegis({ env: 'development', quiet: true, onEvent: (e) => events.push(e) }));
  const app = express();
  app.post('/login/:role', security, async (req, res) => {
    await res.locals.session.signIn(`u-${req.params.role}`);
    res.locals.session.set('roles', [req.params.role]);
    res.send('in');
  });
  app.get('/admin', security, security.requireRole('admin'), (_req, res) => res.send('admin page'));
  app.get('/users', security, security.requirePermission('users.read'), (_req, res) => res.send('users'));
  app.delete('/users/1', security, security.requirePermission('users.write'), (_req, res) => res.send('deleted'));
  app.get('/unconfigured', bare, bare.requireRole('admin'), (_req, res) => res.send('never'));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  events = [];
});

async function signIn(role: string): Promise<string> {
  const response = await fetch(`${base}/login/${role}`, { method: 'POST' });
  return (response.headers.get('set-cookie') as string).split(';')[0] as string;
}

async function call(path: string, cookie?: string, method = 'GET'): Promise<[number, string]> {
  const response = await fetch(base + path, { method, headers: cookie ? { cookie } : {} });
  return [response.status, await response.text()];
}

describe('requireRole / requirePermission', () => {
  it('401 for nobody signed in, 403 without the role, 200 with it; events name the requirement', async () => {
    const admin = await signIn('admin');
    const support = await signIn('support');
    events = [];
    expect(await call('/admin')).toEqual([401, 'Unauthorized\n']);
    expect(await call('/admin', support)).toEqual([403, 'Forbidden\n']);
    expect(await call('/admin', admin)).toEqual([200, 'admin page']);
    expect(events.map((e) => [e.type, e.reason, e.status, e.path, e.detail])).toEqual([
      ['rbac.denied', 'unauthenticated', 401, '/admin', { roles: ['admin'] }],
      ['rbac.denied', 'forbidden', 403, '/admin', { roles: ['admin'] }],
    ]);
  });

  it('permissions come from the roles', async () => {
    const admin = await signIn('admin');
    const support = await signIn('support');
    expect([await call('/users', support), await call('/users', admin)]).toEqual([[200, 'users'], [200, 'users']]);
    expect([await call('/users/1', support, 'DELETE'), await call('/users/1', admin, 'DELETE')]).toEqual([[403, 'Forbidden\n'], [200, 'deleted']]);
  });

  it('without a roles option every request is refused (fail-safe) and the event says why', async () => {
    expect(await call('/unconfigured')).toEqual([403, 'Forbidden\n']);
    expect(events.map((e) => [e.type, e.level, e.reason])).toEqual([['rbac.denied', 'error', 'roles.not_configured']]);
  });

  it('names configuration mistakes', () => {
    expect(configProblems(() => aegis({ env: 'development', quiet: true, roles: { of: 'session' as never, permissions: { admin: 'all' as never } } }))).toEqual([
      ['roles.of', 'expected a function, got "session".'],
      ['roles.permissions.admin', 'expected a list of permission names, got "all".'],
    ]);
    expect(() => aegisMiddleware(aegis({ env: 'development', quiet: true })).requireRole()).toThrow('requireRole(...roles): give at least one role name.');
  });
});
