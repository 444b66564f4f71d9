import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aegis } from '../../src/index.js';
import { applyServerLimits, getAegisContext, withAegis } from '../../src/adapters/node/index.js';
import { get } from '../helpers/raw-http.js';
import { selfSignedCertificate, sendTls } from '../helpers/tls.js';

describe('over a real TLS connection', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const policy = aegis({ env: 'production', hosts: ['localhost'] });
    server = createServer({ ...selfSignedCertificate(), ...policy.serverOptions }, withAegis(policy, (req, res) => res.end(JSON.stringify(getAegisContext(req)?.protocol))));
    applyServerLimits(server, policy);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sees the request as secure: HSTS is sent, nothing is redirected', async () => {
    const response = await sendTls(port, get('/', 'localhost'));
    expect(response.status).toBe(200);
    expect(response.body).toBe('"https"');
    expect(response.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(response.headers['content-security-policy']).toContain('; upgrade-insecure-requests; ');
  });
});
