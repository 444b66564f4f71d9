/**
 * A plain node:http server behind a development policy (`withAegis`), answering `body` to every
 * request that gets through, for the guard tests. Events are collected in `events`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { aegis, type AegisEvent, type AegisOptions } from 'aegis';
import { withAegis } from 'aegis/node';

/** A running policy server. */
export interface PolicyServer {
  /** `http://localhost:<port>`. */
  readonly base: string;
  /** Every event the policy emitted, in order (clear it with `events.length = 0`). */
  readonly events: AegisEvent[];
  close(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export async function startPolicyServer(options: AegisOptions, body: string): Promise<PolicyServer> {
  const events: AegisEvent[] = [];
  const policy = aegis({ env: 'development', quiet: true, onEvent: (event) => events.push(event), ...options });
  const server = createServer(withAegis(policy, (_req, res) => res.end(body)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://localhost:${(server.address() as AddressInfo).port}`,
    events,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
