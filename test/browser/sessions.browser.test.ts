/**
 * The demo's sessions and CSRF protection in a real Chromium (driven by playwright-core, no
 * mocks): what a browser actually sends and lets pages read.
 *
 * - after signing in through the real form, the session cookie is held by the browser but is not
 *   in `document.cookie` (HttpOnly);
 * - a form of another origin that posts to the demo is refused with 403 and saves nothing, while
 *   the same form on the demo's own page works. Two attacker origins, because they prove
 *   different things (see the tests);
 * - a credentialed cross-origin `fetch()` of the account page cannot be read by the other page.
 *
 * The demo app is served over plain HTTP by node:http (development profile, so the cookie is
 * `sid` without Secure) at http://localhost:PORT. The attacker is a second local server on another
 * port, reached either as http://127.0.0.1:PORT2 (another site: `localhost` and `127.0.0.1` are
 * different sites) or as http://localhost:PORT2 (the same site, another origin: ports do not make
 * sites). Chromium treats both as potentially trustworthy origins, so it sends Fetch Metadata
 * (`Sec-Fetch-Site`) to them as it would over HTTPS.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AegisEvent, AegisPolicy } from 'aegis';
import { memorySessionStore, type SessionStore } from 'aegis/stores';
import { createDemo } from '../../examples/demo/app.js';

/** The little of the DOM that the functions run in the page use (this project compiles without lib "dom"). */
declare const document: { cookie: string; getElementById(id: string): { textContent: string | null } | null; body: { innerText: string } };

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'correct-horse-battery';
const SESSION_VALUE = /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/;
const ATTACKER_NOTE = 'written by another origin';

/** What reached the demo for one request, recorded before Aegis or Express saw it. */
interface Arrival {
  method: string;
  path: string;
  cookie: boolean;
  secFetchSite: string | undefined;
  origin: string | undefined;
}

let browser: Browser;
let store: SessionStore;
let policy: AegisPolicy;
const servers: Server[] = [];
const events: AegisEvent[] = [];
const arrivals: Arrival[] = [];
let demoOrigin = '';
/** The attacker's server as another site (127.0.0.1) and as the same site on another port (localhost). */
let crossSiteOrigin = '';
let sameSiteOrigin = '';

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The attacker's pages: a form that posts a note to the demo (with `_csrf` when `?token=` is given), and an empty page. */
function attackerPage(req: IncomingMessage): string | undefined {
  const url = new URL(req.url ?? '/', 'http://attacker.invalid');
  if (url.pathname === '/form') {
    const token = url.searchParams.get('token');
    const field = token ? `<input type="hidden" name="_csrf" value="${token}">` : '';
    return `<!doctype html><title>Win a prize</title>
<form method="post" action="${demoOrigin}/account/note"><input type="hidden" name="note" value="${ATTACKER_NOTE}">${field}<button id="go" type="submit">Claim your prize</button></form>`;
  }
  if (url.pathname === '/blank') return '<!doctype html><title>blank</title><p>nothing here</p>';
  return undefined;
}

/** A fresh browser (its own cookie jar) with the demo user signed in through the real form; returns the /account page. */
async function signedIn(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demoOrigin}/login`);
  await page.fill('input[name="username"]', 'demo');
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(`${demoOrigin}/account`), page.click('button[type="submit"]')]);
  expect(await page.textContent('#signed-in-as')).toBe('Signed in as demo.');
  // What follows is the test's own traffic.
  arrivals.length = 0;
  return { context, page };
}

/** The note stored in the demo user's sessions (one per session). */
async function storedNotes(): Promise<unknown[]> {
  return ((await policy.sessions?.listUserSessions('demo')) ?? []).map((session) => session.data.note);
}

/** Clicks the attacker form's button and returns what the browser got back from the demo. */
async function submitAttackerForm(page: Page, formUrl: string): Promise<{ status: number; body: string; shown: string }> {
  await page.goto(formUrl);
  const [response] = await Promise.all([page.waitForResponse(`${demoOrigin}/account/note`), page.click('#go')]);
  await page.waitForURL(`${demoOrigin}/account/note`);
  // `shown`: what the page displays (the plain-text body, as Chromium renders it).
  return { status: response.status(), body: await response.text(), shown: await page.evaluate(() => document.body.innerText) };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: the browser tests need it. Install it with \`apt-get install -y chromium\` (npm test does it in pretest when run as root on Debian).`);
  }
  store = memorySessionStore();
  const demo = createDemo({ env: 'development', quiet: true, sessionStore: store, onEvent: (event) => events.push(event) });
  policy = demo.policy;
  const demoServer = createServer(demo.app);
  demoServer.prependListener('request', (req: IncomingMessage) => {
    const header = (name: string) => req.headers[name] as string | undefined;
    arrivals.push({ method: req.method ?? '', path: req.url ?? '', cookie: req.headers.cookie !== undefined, secFetchSite: header('sec-fetch-site'), origin: header('origin') });
  });
  demoOrigin = `http://localhost:${await listen(demoServer)}`;

  const attacker = createServer((req, res) => {
    const html = attackerPage(req);
    // 204 for anything else (the favicon), so that no 404 shows up in the console.
    res.writeHead(html ? 200 : 204, { 'Content-Type': 'text/html; charset=utf-8' }).end(html ?? '');
  });
  const attackerPort = await listen(attacker);
  crossSiteOrigin = `http://127.0.0.1:${attackerPort}`;
  sameSiteOrigin = `http://localhost:${attackerPort}`;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

beforeEach(async () => {
  await policy.sessions?.revokeUser('demo');
  events.length = 0;
  arrivals.length = 0;
});

afterAll(async () => {
  await browser?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('demo sessions in Chromium', () => {
  it('after signing in through the form, the browser holds the session cookie but document.cookie does not show it (HttpOnly)', async () => {
    const { context, page } = await signedIn();
    const cookies = await context.cookies();
    expect(cookies).toEqual([
      { name: 'sid', value: cookies[0]?.value, domain: 'localhost', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' },
    ]);
    expect(cookies[0]?.value).toMatch(SESSION_VALUE);
    // The page's own script sees no cookie at all: sid is the only one, and it is HttpOnly.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // The cookie in the jar is the signed-in session, not the one given before sign-in.
    const sessions = (await policy.sessions?.listUserSessions('demo')) ?? [];
    expect(sessions).toHaveLength(1);
    expect(await page.$$eval('li.session.current', (items) => items.length)).toBe(1);
    await context.close();
  });

  it('another SITE (127.0.0.1 → localhost): the form post is refused with 403 cross-site, and no note is saved', async () => {
    const { context, page } = await signedIn();
    const result = await submitAttackerForm(page, `${crossSiteOrigin}/form`);
    expect(result).toEqual({ status: 403, body: 'Forbidden: CSRF check failed (cross-site)\n', shown: 'Forbidden: CSRF check failed (cross-site)\n' });
    // What Chromium sent: Sec-Fetch-Site cross-site and the attacker's Origin, and NO cookie:
    // SameSite=Lax keeps the session cookie off a cross-site POST. So this variant shows both
    // layers agree (the cookie never left, and Aegis refused on Sec-Fetch-Site before looking for
    // a session), but on its own it cannot tell which one stopped the attack; the next test can.
    expect(arrivals.filter((a) => a.method === 'POST')).toEqual([{ method: 'POST', path: '/account/note', cookie: false, secFetchSite: 'cross-site', origin: crossSiteOrigin }]);
    expect(events.filter((e) => e.type === 'csrf.rejected').map((e) => [e.reason, e.method, e.path, e.status])).toEqual([['cross-site', 'POST', '/account/note', 403]]);
    expect(await storedNotes()).toEqual([undefined]);
    await context.close();
  });

  it('the same SITE on another port (localhost:other → localhost): the cookie IS sent, yet 403 same-site, even with a valid token', async () => {
    const { context, page } = await signedIn();
    // The strongest attacker for the origin layer: it even knows the victim's CSRF token (as if it
    // had leaked). Cookies are not isolated by port, and localhost:PORT2 is the same site as
    // localhost:PORT, so SameSite=Lax lets the cookie go with this POST: here it is Aegis' Fetch
    // Metadata check (Sec-Fetch-Site: same-site, refused unless allowSameSite) that stops it.
    const token = await page.getAttribute('form[action="/account/note"] input[name="_csrf"]', 'value');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const result = await submitAttackerForm(page, `${sameSiteOrigin}/form?token=${token}`);
    expect(result).toEqual({ status: 403, body: 'Forbidden: CSRF check failed (same-site)\n', shown: 'Forbidden: CSRF check failed (same-site)\n' });
    expect(arrivals.filter((a) => a.method === 'POST')).toEqual([{ method: 'POST', path: '/account/note', cookie: true, secFetchSite: 'same-site', origin: sameSiteOrigin }]);
    expect(events.filter((e) => e.type === 'csrf.rejected').map((e) => [e.reason, e.method, e.path, e.status])).toEqual([['same-site', 'POST', '/account/note', 403]]);
    expect(JSON.stringify(events)).not.toContain(token);
    expect(await storedNotes()).toEqual([undefined]);

    // Control: the same form (same action, same fields, same token) on the demo's own page works.
    arrivals.length = 0;
    await page.goto(`${demoOrigin}/account`);
    await page.fill('input[name="note"]', ATTACKER_NOTE);
    await Promise.all([page.waitForURL(`${demoOrigin}/account`), page.click('form[action="/account/note"] button[type="submit"]')]);
    expect(await page.textContent('#note')).toBe(ATTACKER_NOTE);
    expect(arrivals.filter((a) => a.method === 'POST')).toEqual([{ method: 'POST', path: '/account/note', cookie: true, secFetchSite: 'same-origin', origin: demoOrigin }]);
    expect(await storedNotes()).toEqual([ATTACKER_NOTE]);
    await context.close();
  });

  it('a credentialed fetch() of /account from another origin rejects with TypeError: the page cannot read the response', async () => {
    const { context, page } = await signedIn();
    const messages: string[] = [];
    page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
    await page.goto(`${sameSiteOrigin}/blank`);
    arrivals.length = 0;
    const outcome = await page.evaluate(async (url) => {
      try {
        const response = await fetch(url, { credentials: 'include' });
        return { read: await response.text() };
      } catch (error) {
        return { name: (error as Error).name, message: (error as Error).message };
      }
    }, `${demoOrigin}/account`);
    expect(outcome).toEqual({ name: 'TypeError', message: 'Failed to fetch' });
    // The request did go, with the cookie (same site), and the demo answered it: it is the
    // browser that withholds the answer, because no Access-Control-Allow-Origin names this origin.
    expect(arrivals).toEqual([{ method: 'GET', path: '/account', cookie: true, secFetchSite: 'same-site', origin: sameSiteOrigin }]);
    expect(messages).toContain(
      `error: Access to fetch at '${demoOrigin}/account' from origin '${sameSiteOrigin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    );

    // Nor the CSRF token endpoint meant for the site's own scripts, nor any body in no-cors mode
    // (an opaque response: status 0, empty body).
    const more = await page.evaluate(async (origin) => {
      const token = await fetch(`${origin}/_aegis/csrf-token`, { credentials: 'include' }).then(
        () => 'read',
        (error: Error) => error.name,
      );
      const opaque = await fetch(`${origin}/account`, { credentials: 'include', mode: 'no-cors' });
      return { token, opaque: { type: opaque.type, status: opaque.status, body: await opaque.text() } };
    }, demoOrigin);
    expect(more).toEqual({ token: 'TypeError', opaque: { type: 'opaque', status: 0, body: '' } });

    // From another site too: there the cookie is not even sent with a cross-site fetch (SameSite=Lax).
    await page.goto(`${crossSiteOrigin}/blank`);
    arrivals.length = 0;
    const crossSite = await page.evaluate(async (url) => {
      try {
        await fetch(url, { credentials: 'include' });
        return 'read';
      } catch (error) {
        return (error as Error).name;
      }
    }, `${demoOrigin}/account`);
    expect(crossSite).toBe('TypeError');
    expect(arrivals).toEqual([{ method: 'GET', path: '/account', cookie: false, secFetchSite: 'cross-site', origin: crossSiteOrigin }]);
    await context.close();
  });
});
