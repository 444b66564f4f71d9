// Sends exactly N GET / requests over C keep-alive connections: `node fixed-load.mjs <port> <N> <C>`.
import http from 'node:http';

const [port, total, connections] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
let sent = 0;
let done = 0;
await new Promise((resolve, reject) => {
  const next = () => {
    if (sent >= total) return;
    sent++;
    http
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
