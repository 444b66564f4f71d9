/**
 * The demo site as a factory: one Aegis policy and the Express app that uses it. `server.js`
 * serves it over HTTPS with `serve()`; the tests build the same app, so what they prove holds for
 * the demo itself.
 */
import express from 'express';
import { aegis } from 'aegis';
import { aegisMiddleware } from 'aegis/express';
import { blockedPage, homePage, STYLESHEET } from './pages.js';

/** The exact body of `GET /api/status`. */
export const STATUS = Object.freeze({ service: 'aegis-demo', status: 'ok' });

/**
 * Builds the policy and the Express app.
 * @param {import('aegis').AegisOptions} [options] Aegis options; the demo uses the defaults.
 * @returns {{ app: import('express').Express, policy: import('aegis').AegisPolicy }}
 */
export function createDemo(options = {}) {
  // One policy, compiled once: defaults everywhere (strict CSP with a nonce, X-Frame-Options DENY,
  // Host allowlist of localhost names in development, the CSP report endpoint…).
  const policy = aegis(options);
  const app = express();

  // Mounted first, so that every response (pages, API, 404) gets the headers and every request
  // is checked (Host, limits) before any route sees it. The endpoint /_aegis/csp-report is
  // answered here too: it turns browser reports into `csp.violation` events. Under serve() (see
  // server.js) the server has already done all this before Express runs: the middleware then
  // only exposes the nonce as `res.locals.cspNonce` and removes what Express adds (X-Powered-By).
  app.use(aegisMiddleware(policy));

  // A nonce'd inline script that runs, and a fetch() to the JSON API (allowed by default-src 'self').
  app.get('/', (_req, res) => {
    res.type('html').send(homePage(res.locals.cspNonce));
  });

  // A JSON API route: the same security headers apply to it.
  app.get('/api/status', (_req, res) => {
    res.json(STATUS);
  });

  // An inline script without the nonce: blocked by the browser, reported to Aegis.
  app.get('/blocked', (_req, res) => {
    res.type('html').send(blockedPage());
  });

  // A stylesheet from the site's own origin, which the CSP allows (inline styles it would not).
  app.get('/style.css', (_req, res) => {
    res.type('css').send(STYLESHEET);
  });

  // Where to report a vulnerability (RFC 9116): a contact and an expiry date, renewed at each start.
  app.get('/.well-known/security.txt', (_req, res) => {
    res.type('text').send(securityTxt(new Date()));
  });

  // No icon: an empty answer instead of a 404 that would show up as an error in the browser console.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  app.use((_req, res) => {
    res.status(404).type('text').send('Not found\n');
  });

  return { app, policy };
}

/** Days a published security.txt stays valid; RFC 9116 asks for less than a year. */
const SECURITY_TXT_DAYS = 180;

/**
 * The demo's security.txt, expiring SECURITY_TXT_DAYS after `now`.
 * @param {Date} now
 * @returns {string}
 */
export function securityTxt(now) {
  const expires = new Date(now.getTime() + SECURITY_TXT_DAYS * 86_400_000);
  expires.setUTCMilliseconds(0);
  return `Contact: mailto:security@example.com\nExpires: ${expires.toISOString().replace('.000Z', 'Z')}\nPreferred-Languages: en\n`;
}
