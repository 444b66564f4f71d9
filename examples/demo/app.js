/**
 * The demo site as a factory: one Aegis policy and the Express app that uses it. `server.js`
 * runs it; the tests build the same app, so what they prove holds for the demo itself.
 */
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import express from 'express';
import { aegis } from 'aegis';
import { aegisMiddleware } from 'aegis/express';
import { applyServerLimits, serverOptions } from 'aegis/node';
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
  // answered here too: it turns browser reports into `csp.violation` events.
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

  // No icon: an empty answer instead of a 404 that would show up as an error in the browser console.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  app.use((_req, res) => {
    res.status(404).type('text').send('Not found\n');
  });

  return { app, policy };
}

/**
 * A node:http server (node:https when `tls` is given) for a request listener, with the policy's
 * header and time limits applied: slow or oversized requests are answered by Aegis before Express
 * sees them.
 * @param {import('aegis').AegisPolicy} policy
 * @param {import('node:http').RequestListener} listener the Express app, or a wrapper around it
 * @param {{ key: string | Buffer, cert: string | Buffer }} [tls] PEM key and certificate
 * @returns {import('node:http').Server}
 */
export function createDemoServer(policy, listener, tls) {
  // serverOptions(): the limits, plus Aegis' request and response classes (faster headers).
  const options = serverOptions(policy);
  const server = tls ? createTlsServer({ ...options, ...tls }, listener) : createServer(options, listener);
  return applyServerLimits(server, policy);
}
