import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { resolve } from 'node:path';
import type { SecureContextOptions } from 'node:tls';
import { applyServerLimits, serverOptions, withAegis } from '../adapters/node/index.js';
import { AegisIncomingMessage, AegisServerResponse } from '../adapters/node/aegis-response.js';
import { assertProductionReady } from '../checks/guard.js';
import type { TlsFacts } from '../checks/facts.js';
import { AegisConfigError, Problems } from '../core/config-error.js';
import type { AegisPolicy } from '../core/policy.js';
import { readDuration } from '../core/read-option.js';
import { loadOrCreateDevCertificate } from '../tls/dev-certificate.js';
import { watchFiles } from './certificate-watch.js';
import { watchExpiry } from './expiry-watch.js';
import { ShutdownTracker } from './graceful-shutdown.js';
import { createRedirectListener } from './redirect-listener.js';
import type { ServeOptions } from './serve-options.js';
import { tlsProfile } from './tls-profile.js';
import { plainHttpFacts, readCertificate } from './tls-facts.js';
import { readTlsMaterial, TLS_MATERIAL_FIX, TlsMaterialError, type TlsMaterial, type TlsSource } from './tls-material.js';

/** A running Aegis server. */
export interface AegisServer {
  /** `https://localhost:8443/` (or `http://…` behind a proxy). */
  readonly url: string;
  readonly port: number;
  /** Port of the redirect listener, when there is one. */
  readonly redirectPort: number | undefined;
  /** The main server (node:https, node:http2 or node:http). */
  readonly server: HttpServer | HttpsServer | ReturnType<typeof createSecureServer>;
  /** Re-reads the certificate files now; false (and an event) when they are not usable. */
  reloadCertificate(): boolean;
  /** Stops accepting, lets in-flight requests finish (up to `shutdownTimeout`), closes everything. */
  close(): Promise<void>;
}

/** A node request listener: `(req, res) => …`, an Express or Connect app included. One signature, so that TypeScript infers `req` and `res` in an inline handler. */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The first line of serve()'s configuration errors: `Invalid serve() options (1 problem):`. */
const SUBJECT = 'serve() options';

/** Express and Connect apps have `handle` and `use`: they expect node:http objects, so no HTTP/2. */
function looksLikeConnectApp(handler: unknown): boolean {
  const app = handler as { handle?: unknown; use?: unknown };
  return typeof app.handle === 'function' && typeof app.use === 'function';
}

/**
 * Serves a request listener (an Express app included) with the policy: over TLS with Mozilla's
 * intermediate profile (TLS 1.2+, ECDHE+AEAD for 1.2), HTTP/2 by ALPN where the handler allows,
 * a plain-HTTP listener that only redirects, certificate reload on file change, expiry warnings,
 * graceful shutdown, a self-signed certificate in development, and a refusal to start an unsafe
 * production deployment (the message lists each problem and its fix; exit code 1).
 *
 * @example
 * await serve(app, policy, { tls: { cert: '/etc/ssl/site.crt', key: '/etc/ssl/site.key' } });
 */
export async function serve(handler: Handler, policy: AegisPolicy, options: ServeOptions = {}): Promise<AegisServer> {
  const production = policy.profile === 'production';
  const settings = resolveOptions(options, production);
  const tls = resolveTls(options, policy, settings.devCertificateDir, settings.redirectPort);

  assertProductionReady(
    { policy, tls: tls.facts, cookies: options.cookies, cors: options.cors, config: options.config, debug: options.debug },
    { exit: options.exitOnRefusal !== false },
  );

  const listener = withAegis(policy, handler as RequestListener);
  const http2 = options.http2 ?? !looksLikeConnectApp(handler);
  const server = createMainServer(policy, listener, tls.material?.options, http2);
  const tracker = new ShutdownTracker(server);
  await listen(server, settings.port, options.host);
  const port = (server.address() as AddressInfo).port;

  let redirect: { server: HttpServer; tracker: ShutdownTracker; port: number } | undefined;
  if (tls.material && settings.redirectPort !== false) {
    const redirectServer = createHttpServer(createRedirectListener(policy, port));
    applyServerLimits(redirectServer, policy);
    await listen(redirectServer, settings.redirectPort, options.host);
    redirect = { server: redirectServer, tracker: new ShutdownTracker(redirectServer), port: (redirectServer.address() as AddressInfo).port };
  }

  let material = tls.material;
  const reloadCertificate = (): boolean => {
    if (!tls.source) return false;
    try {
      const next = readTlsMaterial(tls.source);
      (server as HttpsServer).setSecureContext({ ...tlsProfile(), ...next.options });
      material = next;
      stopExpiry?.();
      stopExpiry = next.certificate ? watchExpiry(next.certificate, next.source, policy) : undefined;
      policy.emit({ type: 'tls.reloaded', level: 'info', time: Date.now(), reason: 'tls.reloaded', detail: { source: next.source } });
      return true;
    } catch (error) {
      const message = error instanceof TlsMaterialError ? error.message : 'the new certificate could not be used';
      policy.emit({ type: 'tls.reload_failed', level: 'warn', time: Date.now(), reason: 'tls.reload_failed', detail: { message } });
      return false;
    }
  };
  let stopExpiry = material?.certificate ? watchExpiry(material.certificate, material.source, policy) : undefined;
  const stopWatching = tls.source && settings.watchCertificate ? watchFiles(material?.files ?? [], () => reloadCertificate()) : undefined;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopWatching?.();
      stopExpiry?.();
      const busy = tracker.busy;
      const [main] = await Promise.all([tracker.shutdown(settings.shutdownTimeout), redirect?.tracker.shutdown(settings.shutdownTimeout)]);
      if (main.forced) {
        const connections = busy === 1 ? '1 connection was' : `${busy} connections were`;
        process.stderr.write(`[aegis] shutdown: requests still running after ${settings.shutdownTimeout} ms were cut off (${connections} busy when shutdown began).\n`);
        policy.emit({ type: 'server.shutdown_forced', level: 'warn', time: Date.now(), reason: 'shutdown.deadline', detail: { timeoutMs: settings.shutdownTimeout } });
      }
    })());

  if (settings.handleSignals) {
    const onSignal = () => {
      void close().then(() => process.exit(0));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  const scheme = tls.material ? 'https' : 'http';
  return { url: `${scheme}://localhost:${port}/`, port, redirectPort: redirect?.port, server, reloadCertificate, close };
}

function resolveOptions(options: ServeOptions, production: boolean) {
  const problems = new Problems();
  const port = options.port ?? (production ? 443 : 8443);
  const redirectPort = options.redirectPort ?? (production ? 80 : 8080);
  for (const [name, value] of [['port', port], ['redirectPort', redirectPort]] as const) {
    if (value !== false && (!Number.isInteger(value) || value < 0 || value > 65535)) {
      problems.add(`serve.${name}`, `${String(value)} is not a port.`, 'give a whole number from 0 to 65535 (0 picks a free port).');
    }
  }
  const shutdownTimeout = readDuration(options.shutdownTimeout, 10_000, problems, 'serve.shutdownTimeout');
  problems.throwIfAny(SUBJECT);
  return {
    port,
    redirectPort,
    shutdownTimeout,
    handleSignals: options.handleSignals ?? true,
    watchCertificate: options.watchCertificate ?? true,
    devCertificateDir: resolve(options.devCertificateDir ?? '.aegis/dev-cert'),
  };
}

/** Decides where TLS comes from and reads it; problems become findings for the production guard. */
function resolveTls(options: ServeOptions, policy: AegisPolicy, devCertificateDir: string, redirectPort: number | false): { material?: TlsMaterial; source?: TlsSource; facts: TlsFacts } {
  const production = policy.profile === 'production';
  if (options.tls === false) return { facts: plainHttpFacts(policy) };
  if (options.tls === undefined) {
    if (production) return { facts: { kind: 'none' } };
    const dev = loadOrCreateDevCertificate(devCertificateDir);
    process.stderr.write(
      `[aegis] serving HTTPS with a self-signed development certificate (${dev.certPath}, valid until ${dev.notAfter.toISOString().slice(0, 10)}). ` +
        'Browsers will warn about it; it is never used in production.\n',
    );
    const material = readTlsMaterial({ cert: dev.certPath, key: dev.keyPath });
    return { material, facts: { kind: 'certificate', source: material.source } };
  }
  const read = readCertificate(options.tls, policy);
  if (read.facts.error !== undefined && !production) {
    throw new AegisConfigError([{ path: 'serve.tls', message: read.facts.error, fix: read.facts.fix ?? TLS_MATERIAL_FIX }], SUBJECT);
  }
  const facts = redirectPort === false ? { ...read.facts, redirectListener: false } : read.facts;
  return { material: read.material, source: read.source, facts };
}

function createMainServer(policy: AegisPolicy, listener: RequestListener, tls: SecureContextOptions | undefined, http2: boolean) {
  if (!tls) return applyServerLimits(createHttpServer(serverOptions(policy), listener), policy);
  const secure = { ...tlsProfile(), ...tls };
  if (http2) {
    const server = createSecureServer(
      {
        ...secure,
        allowHTTP1: true,
        ALPNProtocols: ['h2', 'http/1.1'],
        noDelay: true, // as node:http and node:https do for HTTP/1.1; node:http2 leaves Nagle on
        Http1IncomingMessage: AegisIncomingMessage,
        Http1ServerResponse: AegisServerResponse,
        // HTTP/2 header limits: the size is announced to clients (SETTINGS_MAX_HEADER_LIST_SIZE)
        // and enforced by the guard (431); the pair limit (Node's default, 128, or more) only stops
        // floods, leaving room for the guard to answer "too many" with 431.
        settings: { maxHeaderListSize: policy.serverOptions.maxHeaderSize },
        maxHeaderListPairs: Math.max(128, policy.limits.headerCount + 5),
      },
      listener as never,
    );
    // HTTP/1.1 clients of this server go through Node's HTTP/1 connection handling, which reads
    // the same properties as node:http: header timeout, keep-alive timeout, header size and count.
    return applyServerLimits(server as unknown as HttpServer, policy) as unknown as ReturnType<typeof createSecureServer>;
  }
  return applyServerLimits(createHttpsServer({ ...serverOptions(policy), ...secure, ALPNProtocols: ['http/1.1'] }, listener), policy);
}

function listen(server: NetServer, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  });
}
