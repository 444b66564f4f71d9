// Sends exactly N GET / requests over C keep-alive connections:
// `node fixed-load.mjs <port> <N> <C> [http|https]`. Over HTTPS it trusts only the certificate in
// BENCH_TLS_CERT (the bench's throwaway certificate) and offers no ALPN, as wrk does: HTTP/1.1.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const [port, total, connections] = process.argv.slice(2, 5).map(Number);
const tls = process.argv[5] === 'https';
const client = tls ? https : http;
const agent = tls
  ? new https.Agent({ keepAlive: true, maxSockets: connections, ca: readFileSync(process.env.BENCH_TLS_CERT ?? '') })
  : new http.Agent({ keepAlive: true, maxSockets: connections });
let sent = 0;
let done = 0;
await new Promise((resolve, reject) => {
  const next = () => {
    if (sent >= total) return;
    sent++;
    client
      .get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
        response.resume();
        response.on('end', () => (++done === total ? resolve() : next()));
      })
      .on('error', reject);
  };
  for (let i = 0; i < connections; i++) next();
});
agent.destroy();
