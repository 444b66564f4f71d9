import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SecretRing } from '../../src/config/secret.js';
import type { AegisEvent } from '../../src/core/events.js';
import { createSessionManager } from '../../src/sessions/index.js';
import type { SessionManager, SessionOptions } from '../../src/sessions/index.js';
import { memorySessionStore, sqliteSessionStore } from '../../src/stores/index.js';
import type { SessionStore } from '../../src/stores/index.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const OLD_KEY = randomBytes(32).toString('base64url');
const NEW_KEY = randomBytes(32).toString('base64url');
const COOKIE = /^sid=([A-Za-z0-9_-]{43})\.[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\/$/;
const CLEAR = 'sid=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0';

/** A store that records every call, to prove which requests read or write. */
function counting(inner: SessionStore): { store: SessionStore; calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = [];
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push([String(name), args]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

/** The `Cookie` request header a browser would send back after this `Set-Cookie`. */
function cookieOf(setCookie: string | undefined): string {
  expect(setCookie).toMatch(COOKIE);
  return (setCookie as string).split(';')[0] as string;
}

function idOf(cookie: string): string {
  return (cookie.split('=')[1] as string).split('.')[0] as string;
}

function managerSuite(backend: string, makeStore: () => SessionStore): void {
  describe(`session manager on the ${backend} store`, () => {
    let now = T0;
    let events: AegisEvent[] = [];
    let store: SessionStore;
    let calls: Array<[string, unknown[]]>;

    function manager(extra: Partial<SessionOptions> = {}): SessionManager {
      return createSessionManager({ store, secrets: [NEW_KEY], profile: 'development', clock: () => now, onEvent: (e) => events.push(e), ...extra });
    }

    /** One request: load, run, commit; returns the Set-Cookie. */
    async function request(m: SessionManager, cookie: string | undefined, run: (s: Awaited<ReturnType<SessionManager['load']>>) => Promise<void> | void = () => {}) {
      const session = await m.load(cookie);
      await run(session);
      return (await session.commit()).setCookie;
    }

    async function newSession(m: SessionManager, data: Record<string, unknown> = { n: 1 }): Promise<string> {
      return cookieOf(await request(m, undefined, (s) => Object.entries(data).forEach(([k, v]) => s.set(k, v))));
    }

    afterEach(async () => {
      await store.close();
    });

    function setup(): void {
      now = T0;
      events = [];
      ({ store, calls } = counting(makeStore()));
    }

    it('issues exact cookie attributes in development and production', async () => {
      setup();
      expect(await request(manager(), undefined, (s) => s.set('a', 1))).toMatch(COOKIE);
      const prod = await request(manager({ profile: 'production' }), undefined, (s) => s.set('a', 1));
      expect(prod).toMatch(/^__Host-sid=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Lax; Path=\/$/);
      const strict = await request(manager({ sameSite: 'strict', secure: true, cookieName: 'app' }), undefined, (s) => s.set('a', 1));
      expect(strict).toMatch(/^app=[^;]+; HttpOnly; Secure; SameSite=Strict; Path=\/$/);
    });

    it('a request without a cookie that writes nothing touches neither the store nor the cookie', async () => {
      setup();
      expect(await request(manager(), undefined, async (s) => expect(await s.get('x')).toBeUndefined())).toBeUndefined();
      expect(calls).toEqual([]);
    });

    it('reads nothing before the first get, and writes nothing on a read-only request', async () => {
      setup();
      const m = manager();
      const cookie = await newSession(m, { n: 1 });
      calls.length = 0;
      now += 30_000; // within the touch interval (1 min)
      const session = await m.load(cookie);
      expect(calls).toEqual([]);
      expect(await session.get('n')).toBe(1);
      expect(await session.get('other')).toBeUndefined();
      expect(await session.commit()).toEqual({});
      expect(calls.map(([name]) => name)).toEqual(['get']);
    });

    it('a read-only request after the touch interval writes only the slid idle deadline', async () => {
      setup();
      const m = manager();
      const cookie = await newSession(m);
      calls.length = 0;
      now += 5 * MIN;
      expect(await request(m, cookie, async (s) => void (await s.get('n')))).toBeUndefined();
      expect(calls.map(([name]) => name)).toEqual(['get', 'update']);
      expect(calls[1]?.[1][1]).toEqual({ idleExpiresAt: now + 30 * MIN });
    });

    it('a tampered cookie starts a fresh session, emits session.invalid (no id, no cookie) and is cleared', async () => {
      setup();
      const m = manager();
      const cookie = await newSession(m, { secret: 'x' });
      const [name, value] = cookie.split('=') as [string, string];
      const tag = value.split('.')[1] as string;
      const tampered = `${name}=${value.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`;
      calls.length = 0;
      const session = await m.load(tampered);
      expect(events).toEqual([{ type: 'session.invalid', level: 'warn', time: T0, reason: 'tampered' }]);
      expect(await session.get('secret')).toBeUndefined();
      expect(await session.userId()).toBeUndefined();
      expect(calls).toEqual([]);
      expect(await session.commit()).toEqual({ setCookie: CLEAR });
      expect(JSON.stringify(events)).not.toContain(idOf(cookie));

      // Writing to it creates a new session with a new id; the original is untouched.
      const next = await request(m, tampered, (s) => s.set('a', 1));
      expect(idOf(cookieOf(next))).not.toBe(idOf(cookie));
      expect(await request(m, cookie, async (s) => expect(await s.get('secret')).toBe('x'))).toBeUndefined();
    });

    it('an unknown id (validly signed, never stored) is anonymous, and a fixed attacker id is never adopted', async () => {
      setup();
      const m = manager();
      const elsewhere = makeStore();
      const foreign = await newSession(manager({ store: elsewhere })); // signed with our key, stored elsewhere
      await elsewhere.close();
      const session = await m.load(foreign);
      expect(events).toEqual([]);
      expect(await session.get('n')).toBeUndefined();
      expect(events).toEqual([{ type: 'session.invalid', level: 'warn', time: T0, reason: 'unknown' }]);
      session.set('a', 1);
      const issued = cookieOf((await session.commit()).setCookie);
      expect(idOf(issued)).not.toBe(idOf(foreign));
    });

    it('idle expiry: ends exactly 30 min after the last activity', async () => {
      setup();
      const m = manager();
      const cookie = await newSession(m);
      now = T0 + 30 * MIN - 1;
      expect(await (await m.load(cookie)).get('n')).toBe(1);
      const again = await newSession(m);
      now += 30 * MIN;
      const session = await m.load(again);
      expect(await session.get('n')).toBeUndefined();
      expect(events).toEqual([{ type: 'session.invalid', level: 'warn', time: now, reason: 'expired' }]);
      expect(await session.commit()).toEqual({ setCookie: CLEAR });
    });

    it('idle expiry slides: alive 29 min after the last of requests made every 10 min, expired 30 min after it', async () => {
      setup();
      const m = manager({ absoluteTimeout: '8h' });
      const cookie = await newSession(m);
      for (const at of [10, 20]) {
        now = T0 + at * MIN;
        expect(await request(m, cookie, async (s) => expect(await s.get('n')).toBe(1))).toBeUndefined();
      }
      now = T0 + 49 * MIN;
      expect(await request(m, cookie, async (s) => expect(await s.get('n')).toBe(1))).toBeUndefined();
      now = T0 + 79 * MIN;
      expect(await request(m, cookie, async (s) => expect(await s.get('n')).toBeUndefined())).toBe(CLEAR);
      expect(events.map((e) => e.reason)).toEqual(['expired']);
    });

    it('absolute expiry: ends 1 h after sign-in despite activity every 10 min; idle never passes it', async () => {
      setup();
      const m = manager();
      let cookie = await newSession(m);
      cookie = cookieOf(await request(m, cookie, (s) => s.signIn('u1')));
      for (let at = 10; at <= 50; at += 10) {
        now = T0 + at * MIN;
        expect(await request(m, cookie, (s) => s.set('last', at))).toBeUndefined();
      }
      expect((await store.get(idOf(cookie), now))?.idleExpiresAt).toBe(T0 + 60 * MIN);
      now = T0 + 60 * MIN;
      const session = await m.load(cookie);
      expect(await session.userId()).toBeUndefined();
      expect(events.map((e) => e.reason)).toEqual(['expired']);
    });

    it('signIn rotates the id: the old id stops working at once, kept keys survive, others do not', async () => {
      setup();
      const m = manager();
      const before = await newSession(m, { cart: ['book'], step: 2 });
      now = T0 + 5 * MIN;
      const session = await m.load(before);
      session.set('pending', true);
      await session.signIn('u1', { keep: ['cart', 'pending'] });
      // Already gone from the store, before the response is sent.
      expect(await store.get(idOf(before), now)).toBeUndefined();
      const after = cookieOf((await session.commit()).setCookie);
      expect(idOf(after)).not.toBe(idOf(before));
      expect(await store.get(idOf(after), now)).toEqual({
        data: { cart: ['book'], pending: true },
        userId: 'u1',
        createdAt: now,
        idleExpiresAt: now + 30 * MIN,
        absoluteExpiresAt: now + 60 * MIN,
      });
      expect(await request(m, before, async (s) => expect(await s.userId()).toBeUndefined())).toBe(CLEAR);
      expect(events.map((e) => e.reason)).toEqual(['unknown']);
      await request(m, after, async (s) => {
        expect([await s.userId(), await s.get('cart'), await s.get('step')]).toEqual(['u1', ['book'], undefined]);
      });
    });

    it('regenerate keeps the user and the absolute deadline, and kills the old id', async () => {
      setup();
      const m = manager();
      const signedIn = cookieOf(await request(m, undefined, (s) => s.signIn('u1')));
      now = T0 + 20 * MIN;
      const rotated = cookieOf(await request(m, signedIn, (s) => s.regenerate({ keep: [] })));
      expect(await store.get(idOf(signedIn), now)).toBeUndefined();
      expect(await store.get(idOf(rotated), now)).toEqual({ data: {}, userId: 'u1', createdAt: T0, idleExpiresAt: now + 30 * MIN, absoluteExpiresAt: T0 + 60 * MIN });
    });

    it('destroy removes the stored session and clears the cookie in the same response', async () => {
      setup();
      const m = manager();
      const cookie = await newSession(m);
      expect(await request(m, cookie, (s) => s.destroy())).toBe(CLEAR);
      expect(await store.get(idOf(cookie), now)).toBeUndefined();
      expect(await request(m, cookie, async (s) => expect(await s.get('n')).toBeUndefined())).toBe(CLEAR);
    });

    it('revokeUser ends every session of the user: the next load of each is anonymous', async () => {
      setup();
      const m = manager();
      const a = cookieOf(await request(m, undefined, (s) => s.signIn('u1')));
      const b = cookieOf(await request(m, undefined, (s) => s.signIn('u1')));
      const c = cookieOf(await request(m, undefined, (s) => s.signIn('u2')));
      // From one of the user's own sessions: it ends too, and its cookie is cleared.
      expect(await request(m, a, async (s) => expect(await s.revokeUser('u1')).toBe(2))).toBe(CLEAR);
      for (const cookie of [a, b]) expect(await (await m.load(cookie)).userId()).toBeUndefined();
      expect(await (await m.load(c)).userId()).toBe('u2');
      expect(await m.revokeUser('u2')).toBe(1);
      expect(await (await m.load(c)).userId()).toBeUndefined();
      expect(events.filter((e) => e.type === 'session.revoked')).toEqual([
        { type: 'session.revoked', level: 'info', time: T0, reason: 'user_revoked', detail: { sessions: 2 } },
        { type: 'session.revoked', level: 'info', time: T0, reason: 'user_revoked', detail: { sessions: 1 } },
      ]);
    });

    it('two requests of one session writing different keys both persist (key-level merge)', async () => {
      setup();
      const m = manager();
      const cookie = await newSession(m, { shared: 0 });
      const first = await m.load(cookie);
      const second = await m.load(cookie);
      expect([await first.get('shared'), await second.get('shared')]).toEqual([0, 0]);
      first.set('a', 1);
      second.set('b', 2);
      second.unset('shared');
      expect(await first.commit()).toEqual({});
      expect(await second.commit()).toEqual({});
      expect((await store.get(idOf(cookie), now))?.data).toEqual({ a: 1, b: 2 });
    });

    it('key rotation: a cookie signed with the old key still verifies when the ring has the new key first', async () => {
      setup();
      const before = await newSession(manager({ secrets: [OLD_KEY] }));
      const rotated = manager({ secrets: new SecretRing([NEW_KEY, OLD_KEY]) });
      expect(await request(rotated, before, async (s) => expect(await s.get('n')).toBe(1))).toBeUndefined();
      // Once the old key is removed, the cookie is refused as tampered.
      expect(await request(manager({ secrets: [NEW_KEY] }), before)).toBe(CLEAR);
      expect(events.map((e) => e.reason)).toEqual(['tampered']);
    });

    it('lists a user\'s live sessions by handle (never the id), marks the current one, and revokes one by handle', async () => {
      setup();
      const m = manager();
      const first = cookieOf(await request(m, undefined, (s) => s.signIn('u1')));
      now += MIN;
      const second = cookieOf(await request(m, undefined, async (s) => {
        await s.signIn('u1');
        s.set('ua', 'phone');
      }));
      await request(m, undefined, (s) => s.signIn('someone-else'));
      const listed = await m.listUserSessions('u1');
      expect(listed.map((entry) => [entry.createdAt, entry.data])).toEqual([
        [T0, {}],
        [T0 + MIN, { ua: 'phone' }],
      ]);
      for (const entry of listed) {
        expect(entry.handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect([first, second].some((cookie) => cookie.includes(entry.handle))).toBe(false);
      }
      const current = await (await m.load(second)).handle();
      expect(current).toBe(listed[1]?.handle);
      expect(await m.revokeSession('u1', listed[0]?.handle as string)).toBe(true);
      expect(await m.revokeSession('u1', listed[0]?.handle as string)).toBe(false);
      expect(await m.revokeSession('someone-else', listed[1]?.handle as string)).toBe(false);
      expect(await (await m.load(first)).userId()).toBeUndefined();
      expect(await (await m.load(second)).userId()).toBe('u1');
      expect(await (await m.load(undefined)).handle()).toBeUndefined();
    });

    it('cookieForHeaders announces the id of a new session before the commit stores it under that id', async () => {
      setup();
      const m = manager();
      const session = m.open(undefined);
      expect(session.cookieForHeaders()).toBeUndefined(); // nothing to store, nothing to announce
      session.set('k', 'v');
      const announced = session.cookieForHeaders();
      const cookie = cookieOf(announced);
      expect(await session.commit()).toEqual({}); // the cookie went out already
      expect(await (await m.load(cookie)).get('k')).toBe('v');
    });

    it('keep never carries Aegis\' own keys (aegis.*) into a rotated session', async () => {
      setup();
      const m = manager();
      const cookie = await newSession(m, { 'aegis.csrf': 'x'.repeat(43), cart: 3 });
      const rotated = cookieOf(await request(m, cookie, (s) => s.signIn('u2', { keep: ['aegis.csrf', 'cart'] })));
      const session = await m.load(rotated);
      expect([await session.get('aegis.csrf'), await session.get('cart')]).toEqual([undefined, 3]);
    });

    it('a throwing event listener never breaks a request', async () => {
      setup();
      const m = manager({
        onEvent: () => {
          throw new Error('listener');
        },
      });
      expect(await request(m, 'sid=garbage')).toBe(CLEAR);
    });
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

managerSuite('memory', () => memorySessionStore());
managerSuite('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aegis-sessions-'));
  dirs.push(dir);
  return sqliteSessionStore({ file: join(dir, 'sessions.db') });
});
