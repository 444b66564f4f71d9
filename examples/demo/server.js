/**
 * The Aegis demo site. Run it with `npm start` (which builds Aegis first), then open
 * http://localhost:8080/.
 *
 *   /                  an inline script with the CSP nonce: it runs and calls the JSON API
 *   /api/status        a JSON API route
 *   /blocked           an inline script without the nonce: the browser blocks it and reports it
 *   /_aegis/csp-report Aegis' built-in endpoint for those reports (POST only)
 *
 * Environment: PORT (default 8080; 0 picks a free port), HOST (default 127.0.0.1), and
 * AEGIS_ENV or NODE_ENV for the profile (default development, which only answers to the
 * localhost names; production needs a `hosts` option, so this demo refuses to start there).
 *
 * Output: one line saying where it listens, then one JSON line per security event on stdout.
 * Events carry the request id, client IP, method, path, status and reason, plus a few safe facts
 * (a refused Host name, shortened; a CSP report without its query strings): never a body, a
 * cookie, a token or a secret.
 */
import { createDemo, createDemoServer } from './app.js';

const port = readPort(process.env.PORT);
const host = process.env.HOST || '127.0.0.1';

const { app, policy } = startOrExplain(createDemo);

// Every security event (rejected Host, oversized body, CSP violation…) as one JSON line.
policy.on('*', (event) => {
  process.stdout.write(`${JSON.stringify({ ...event, time: new Date(event.time).toISOString() })}\n`);
});

const server = createDemoServer(policy, app);

server.on('error', (error) => {
  console.error(`Aegis demo could not listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});

server.listen(port, host, () => {
  // The real port, which differs from PORT when PORT=0.
  const { port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`Aegis demo listening on http://localhost:${bound}/\n`);
});

/** Stops accepting connections, drops the open ones (keep-alive included) and exits 0. */
function shutDown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  // Should close() ever hang, do not hang with it.
  setTimeout(() => process.exit(1), 5000).unref();
}
process.once('SIGTERM', shutDown);
process.once('SIGINT', shutDown);

/** Runs `build`, or prints why the policy was refused (AegisConfigError lists every problem) and exits 1. */
function startOrExplain(build) {
  try {
    return build();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

/** PORT as a number from 0 to 65535, or exit with a message. */
function readPort(raw) {
  if (raw === undefined || raw === '') return 8080;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535 || !/^\d+$/.test(raw)) {
    console.error(`PORT must be a number from 0 to 65535, got "${raw}".`);
    process.exit(1);
  }
  return value;
}
