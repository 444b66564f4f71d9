// Starts one benchmark server: `node start.mjs <config> <port>`. It tells the parent over IPC
// when it listens, and reports its own CPU time per request between 'start' and 'stop'.
import http from 'node:http';
import express from 'express';
import helmet from 'helmet';
import { aegis } from 'aegis';
import { createServer } from 'aegis/node';
import { aegisMiddleware } from 'aegis/express';
import { BODY, hello, POLICY_OPTIONS } from './hello.mjs';

const [config, port] = process.argv.slice(2);
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

// Each configuration is built the way its documentation says to build it.
const servers = {
  'node': () => http.createServer(counted(hello)),
  'node+same-bytes': () =>
    http.createServer(
      counted((_req, res) => {
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(PADDED_BODY);
      }),
    ),
  'node+aegis': () => createServer(aegis(POLICY_OPTIONS), counted(hello)),
  'express+helmet': () => http.createServer(expressApp(helmet())),
  'express+aegis': () => {
    const policy = aegis(POLICY_OPTIONS);
    return createServer(policy, expressApp(aegisMiddleware(policy)));
  },
};

const make = servers[config];
if (!make) {
  console.error(`unknown configuration ${config}; use one of ${Object.keys(servers).join(', ')}`);
  process.exit(2);
}
const server = make();
let cpuAtStart;
process.on('message', (message) => {
  if (message === 'start') {
    served = 0;
    cpuAtStart = process.cpuUsage();
    process.send('started');
  } else if (message === 'stop') {
    const cpu = process.cpuUsage(cpuAtStart);
    process.send({ served, cpuMicros: cpu.user + cpu.system });
  }
});
process.on('disconnect', () => process.exit(0));
server.listen(Number(port), '127.0.0.1', () => process.send('ready'));
