// Starts one benchmark server: `node start.mjs <config> [port]` (default 0: a free port). It tells
// the parent over IPC when it listens ({ ready: port }), and reports its own CPU time per request
// between 'start' and 'stop'.
// The https configurations read the certificate named by BENCH_TLS_CERT and BENCH_TLS_KEY (one
// throwaway certificate per bench run, made by run.mjs and shared by every HTTPS server).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import express from 'express';
import helmet from 'helmet';
import { aegis } from 'aegis';
import { createServer } from 'aegis/node';
import { aegisMiddleware } from 'aegis/express';
import { serve } from 'aegis/serve';
import { BODY, hello, POLICY_OPTIONS } from './hello.mjs';
import { answerMeasurements } from './measure.mjs';

const [config, portArgument] = process.argv.slice(2);
const port = Number(portArgument ?? 0);
// The HTTPS servers run as a production deployment would: serve()'s production guard refuses to
// start without NODE_ENV=production (the bare server does not read it; the node and Express
// configurations keep the environment they were given).
if (config.startsWith('https')) process.env.NODE_ENV = 'production';
let served = 0;
const counted = (handler) => (req, res) => {
  served++;
  handler(req, res);
};

function expressApp(middleware) {
  const app = express();
  app.use(middleware);
  app.get('/', (req, res) => {
    served++;
    res.type('text/plain').send('Hello, world!\n');
  });
  return app;
}

// Reference: a response as large as node+aegis's, with the extra bytes in the body and no code at
// all. It shows what the bytes alone cost (the kernel's share, which any implementation of these
// headers pays), as opposed to what Aegis' code costs.
const PADDED_BODY = BODY + 'x'.repeat(Number(process.env.BENCH_EXTRA_BYTES ?? 0));
const PADDED_BODY_HTTPS = BODY + 'x'.repeat(Number(process.env.BENCH_EXTRA_BYTES_HTTPS ?? 0));

function tlsFiles() {
  const { BENCH_TLS_CERT: cert, BENCH_TLS_KEY: key } = process.env;
  if (!cert || !key) {
    console.error(`${config} needs BENCH_TLS_CERT and BENCH_TLS_KEY (certificate and key files; bench/run.mjs makes them)`);
    process.exit(2);
  }
  return { cert, key };
}

/** `serve()` as an application would call it, minus what a benchmark must not do (signals, file watching, port 80). */
async function serveWith(options) {
  const running = await serve(counted(hello), aegis(POLICY_OPTIONS), {
    host: '127.0.0.1',
    port,
    redirectPort: false,
    handleSignals: false,
    watchCertificate: false,
    tls: tlsFiles(),
    ...options,
  });
  return running.server;
}

function listening(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

// Each configuration is built the way its documentation says to build it, and resolves to a
// listening server.
const servers = {
  'node': () => listening(http.createServer(counted(hello))),
  'node+same-bytes': () =>
    listening(
      http.createServer(
        counted((_req, res) => {
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(PADDED_BODY);
        }),
      ),
    ),
  'node+aegis': () => listening(createServer(aegis(POLICY_OPTIONS), counted(hello))),
  'express+helmet': () => listening(http.createServer(expressApp(helmet()))),
  'express+aegis': () => {
    const policy = aegis(POLICY_OPTIONS);
    return listening(createServer(policy, expressApp(aegisMiddleware(policy))));
  },
  // Bare HTTPS: node:https with Node's TLS defaults, the same certificate files and handler.
  'https': () => {
    const { cert, key } = tlsFiles();
    return listening(https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, counted(hello)));
  },
  // Reference: bare HTTPS with a response as large as https+serve's (its headers include HSTS).
  'https+same-bytes': () => {
    const { cert, key } = tlsFiles();
    return listening(
      https.createServer(
        { cert: readFileSync(cert), key: readFileSync(key) },
        counted((_req, res) => {
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(PADDED_BODY_HTTPS);
        }),
      ),
    );
  },
  // serve()'s default for a request listener: node:http2 with allowHTTP1 (ALPN h2, http/1.1).
  'https+serve': () => serveWith({}),
  // serve() with HTTP/2 off: node:https (ALPN http/1.1), for comparison with the default.
  'https+serve-http1': () => serveWith({ http2: false }),
};

const make = servers[config];
if (!make) {
  console.error(`unknown configuration ${config}; use one of ${Object.keys(servers).join(', ')}`);
  process.exit(2);
}
const server = await make();
// TLS servers: count handshakes and how many resumed a session (wrk reuses its last session when
// it reconnects). The same listener on every TLS server, so each pays the same for it.
let handshakes = 0;
let resumed = 0;
if (typeof server.setSecureContext === 'function') {
  server.on('secureConnection', (socket) => {
    handshakes++;
    if (socket.isSessionReused()) resumed++;
  });
}
answerMeasurements({
  reset: () => {
    served = 0;
    handshakes = 0;
    resumed = 0;
  },
  counters: () => ({ served, handshakes, resumed }),
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: server.address().port });
