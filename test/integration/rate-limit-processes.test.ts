/**
 * Exactness across processes: four instances of one app share a rate-limit store (a real SQLite
 * file, then a real redis-server), 500 concurrent requests are sent to each, all from one client
 * address, against a limit of N per hour: exactly N are allowed, the rest get 429.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildApp, type ChildApp } from '../helpers/child-app.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const CHILD = fileURLToPath(new URL('../fixtures/rate-limit-app-child.mjs', import.meta.url));
const PROCESSES = 4;
const PER_PROCESS = 500;
const LIMIT = 137;
const dir = mkdtempSync(join(tmpdir(), 'aegis-rl-processes-'));
const apps: ChildApp[] = [];
let redis: RedisServer | undefined;

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(kind: 'sqlite' | 'redis', where: string): Promise<number> {
  const app = await startChildApp(CHILD, [kind, where], { LIMIT: String(LIMIT) });
  apps.push(app);
  return app.port;
}

/** 500 requests at once to one instance (64 connections); resolves with the count per status. */
async function burst(port: number): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const statuses = await Promise.all(
    Array.from({ length: PER_PROCESS }, () =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/sms', headers: { host: 'localhost' }, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      }),
    ),
  );
  agent.destroy();
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return counts;
}

async function run(kind: 'sqlite' | 'redis', where: string): Promise<{ allowed: number; limited: number; perProcess: number[] }> {
  const ports = await Promise.all(Array.from({ length: PROCESSES }, () => start(kind, where)));
  const results = await Promise.all(ports.map(burst));
  const allowed = results.reduce((sum, counts) => sum + (counts.get(200) ?? 0), 0);
  const limited = results.reduce((sum, counts) => sum + (counts.get(429) ?? 0), 0);
  return { allowed, limited, perProcess: results.map((counts) => counts.get(200) ?? 0) };
}

describe(`${PROCESSES} processes x ${PER_PROCESS} concurrent requests against one key, limit ${LIMIT}`, () => {
  it('SQLite file: exactly the limit is allowed', async () => {
    const { allowed, limited, perProcess } = await run('sqlite', join(dir, 'limits.db'));
    expect([allowed, limited]).toEqual([LIMIT, PROCESSES * PER_PROCESS - LIMIT]);
    // The processes really raced: the allowed requests are spread over several of them.
    expect(perProcess.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('redis-server: exactly the limit is allowed', async () => {
    redis = await startRedisServer();
    const { allowed, limited, perProcess } = await run('redis', redis.url);
    expect([allowed, limited]).toEqual([LIMIT, PROCESSES * PER_PROCESS - LIMIT]);
    expect(perProcess.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });
});
