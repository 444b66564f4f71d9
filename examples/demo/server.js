/**
 * The Aegis demo site, served over HTTPS. Run it with `npm start` (which builds Aegis first), then
 * open https://localhost:8443/ (your browser warns about the self-signed certificate: accept it
 * for localhost), or http://localhost:8080/, which redirects there.
 *
 *   /                  an inline script with the CSP nonce: it runs and calls the JSON API
 *   /api/status        a JSON API route
 *   /blocked           an inline script without the nonce: the browser blocks it and reports it
 *   /_aegis/csp-report Aegis' built-in endpoint for those reports (POST only)
 *
 * Environment:
 *   PORT               the HTTPS port (default 8443; 0 picks a free port)
 *   HTTP_PORT          the plain-HTTP port that only redirects to HTTPS (default 8080; 0 picks a free port)
 *   HOST               the address to bind (default 127.0.0.1: the demo is not reachable from other machines)
 *   AEGIS_DEV_CERT_DIR where the development certificate is cached (default .aegis/dev-cert under
 *                      the working directory, which .gitignore covers)
 *   AEGIS_ENV or NODE_ENV  the profile (default development, which only answers to the localhost
 *                      names; production needs the next three, else the demo refuses to start,
 *                      says why, and exits 1)
 *   AEGIS_HOSTS        the host names to answer, comma-separated (the policy's `hosts` option)
 *   TLS_CERT, TLS_KEY  the certificate and key PEM files (serve()'s `tls` option); without
 *                      them, outside production, the development certificate
 *
 * Output: one line on stdout saying where it listens, then one JSON line per security event.
 * Events carry the request id, client IP, method, path, status and reason, plus a few safe facts
 * (a refused Host name, shortened; a CSP report without its query strings): never a body, a
 * cookie, a token or a secret. Notices (the development profile, the development certificate)
 * go to stderr.
 *
 * SIGTERM or SIGINT (Ctrl-C): serve() stops accepting connections, lets requests in flight finish,
 * closes idle keep-alive connections and exits 0.
 */
import { serve } from 'aegis/serve';
import { createDemo } from './app.js';

const port = readPort('PORT', 8443);
const redirectPort = readPort('HTTP_PORT', 8080);
const host = process.env.HOST || '127.0.0.1';

// The policy and the Express app (see app.js). In production the policy refuses to be built
// without `hosts`: the message lists every problem, and the demo exits 1.
const hosts = process.env.AEGIS_HOSTS ? process.env.AEGIS_HOSTS.split(',').map((name) => name.trim()) : undefined;
const tls = process.env.TLS_CERT && process.env.TLS_KEY ? { cert: process.env.TLS_CERT, key: process.env.TLS_KEY } : undefined;
const { app, policy } = startOrExplain(() => createDemo(hosts ? { hosts } : {}));

// Every security event (rejected Host, oversized body, CSP violation, HTTPS redirect…) as one JSON line.
policy.on('*', (event) => {
  process.stdout.write(`${JSON.stringify({ ...event, time: new Date(event.time).toISOString() })}\n`);
});

let server;
try {
  // serve() demonstrates the whole HTTPS set-up in one call:
  // - HTTPS on `port` with Mozilla's intermediate TLS profile (HTTP/1.1 only for an Express app);
  // - without a configured certificate, outside production: a self-signed certificate for
  //   localhost, 127.0.0.1 and ::1, made once and cached (it says so on stderr);
  // - a plain-HTTP listener on `redirectPort` that checks the Host and answers 308 to the same
  //   path on HTTPS;
  // - graceful shutdown on SIGTERM and SIGINT, then exit 0 (handleSignals, the default, spelt out);
  // - in production, a refusal to start an unsafe deployment (no certificate, for one).
  server = await serve(app, policy, {
    port,
    redirectPort,
    host,
    tls,
    devCertificateDir: process.env.AEGIS_DEV_CERT_DIR || undefined,
    handleSignals: true,
  });
} catch (error) {
  // A port already in use, say: one line, exit 1.
  console.error(`Aegis demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

// The real ports, which differ from PORT and HTTP_PORT when those are 0.
process.stdout.write(`Aegis demo listening on ${server.url} (http://localhost:${server.redirectPort}/ redirects there)\n`);

/** Runs `build`, or prints why the policy was refused (AegisConfigError lists every problem) and exits 1. */
function startOrExplain(build) {
  try {
    return build();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

/** The environment variable `name` as a port number from 0 to 65535 (`fallback` when unset), or exit with a message. */
function readPort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65535) {
    console.error(`${name} must be a number from 0 to 65535, got "${raw}".`);
    process.exit(1);
  }
  return value;
}
