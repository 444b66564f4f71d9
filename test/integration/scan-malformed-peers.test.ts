/**
 * The whole `scan()` against hostile local peers: silent ports, peers that answer a ClientHello
 * with garbage, a cut ServerHello, an alert or a hang-up; https servers that answer with invalid
 * HTTP, endless or dripping bodies, 10 000 headers, pathological or binary "HTML"; probes left
 * hanging; a broken or looping http:// entry point. Each scan must end within a bound computed
 * from `timeoutMs` and the scan's structure, resolve (never reject, never leave an unhandled
 * error), and say what went wrong: an `unreachable` outcome with its error, or error lines and
 * findings. The single probes are tested in scan-fetch.test.ts and scan-tls-probe.test.ts.
 */

import { connect as tcpConnect, createServer as createTcpServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { scan, type ScanOptions, type ScanResult } from '../../src/scan/index.js';
import { certificateFiles } from '../helpers/certificates.js';
import { HOST, TestServers } from '../helpers/test-servers.js';

/** The per-request deadline (`timeoutMs`) of every scan here. */
const T = 800;
/** The deadline of the scans whose point is that something else ends them first (a byte bound, a parser failure, a parse that succeeds), so a loaded machine cannot turn them into timeouts. */
const PATIENT_T = 5000;
/** Loopback work on top of the deadlines: handshakes, parsing, grading, two test files sharing two cores. */
const SLACK = 2000;
/** Probes in flight at once (the `probeConcurrency` default). */
const CONCURRENCY = 8;
/** CORS (one probe of 4 requests in parallel), 5 exposure paths, security.txt, TRACE, foreign Host. */
const PAGE_PROBES = 9;
/** Same-origin redirects `fetchPage` follows after the first request (PAGE_REDIRECTS in page.ts). */
const PAGE_REDIRECTS = 5;

/**
 * The longest a scan may take, from its structure: phases run one after another, every request in
 * them bounded by T. An http:// target first follows its chain (`entryHops` requests); then the page
 * is fetched (`pageRequests`, one per same-origin hop) and its HTML parsed (`parse`: the parse
 * budget is T); then the probes run CONCURRENCY at a time: `probes` of them one request long (a
 * queue of ceil(probes / CONCURRENCY) rounds), and the longest chain among the others
 * (`longestChain` requests in a row: the http:// entry's redirects, one per hop; the TLS sweep's 5
 * version probes and certificate check, 4 at a time, 2 rounds when every probe fails), which may
 * have waited one round for its slot.
 */
function bound({ entryHops = 0, pageRequests = 1, parse = 0, probes = PAGE_PROBES, longestChain = 0 }: { entryHops?: number; pageRequests?: number; parse?: number; probes?: number; longestChain?: number }): number {
  const queue = Math.ceil(probes / CONCURRENCY);
  return (entryHops + pageRequests + parse + Math.max(queue, longestChain === 0 ? 0 : 1 + longestChain)) * T + SLACK;
}

const servers = new TestServers();
const pem = certificateFiles().pem;
afterAll(() => servers.closeAll());

const ignore = (): void => undefined;

/** A TCP server running `onConnection` on each accepted socket. */
function tcp(onConnection: (socket: Socket) => void): Promise<number> {
  return servers.listen(
    createTcpServer((socket) => {
      socket.on('error', ignore);
      onConnection(socket);
    }),
  );
}

/** A server (TLS with the test certificate, or plain TCP) running `answer` on each request's path once its first bytes arrive. */
function server(kind: 'https' | 'http', answer: (socket: Socket, path: string) => void): Promise<number> {
  const onSocket = (socket: Socket): void => {
    socket.on('error', ignore);
    socket.once('data', (chunk: Buffer) => answer(socket, chunk.toString('latin1').split(' ')[1] ?? ''));
  };
  if (kind === 'http') return tcp(onSocket);
  const tls = createTlsServer(pem, onSocket);
  tls.on('tlsClientError', ignore);
  return servers.listen(tls);
}

/** A raw HTTP/1.1 response that closes the connection. */
function response(status: string, headers: ReadonlyArray<readonly [string, string]>, body = ''): string {
  const lines = [...headers, ['Content-Length', String(Buffer.byteLength(body))], ['Connection', 'close']].map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status}\r\n${lines.join('')}\r\n${body}`;
}

/** A small valid page without a single security header. */
const PAGE = response('200 OK', [['Content-Type', 'text/html']], '<!doctype html><title>ok</title><p>ok</p>');

/** Writes `head`, then `chunk` as fast as the socket takes it, until the client hangs up. */
function flood(socket: Socket, head: string, chunk: string): void {
  socket.write(head);
  const pump = (): void => {
    while (!socket.destroyed && socket.write(chunk));
    if (!socket.destroyed) socket.once('drain', pump);
  };
  pump();
}

/** Whether a ClientHello offers extended_master_secret (0x0017): OpenSSL's hello (node:tls) always does, the scan's raw probes never. */
function fromNodeTls(hello: Buffer): boolean {
  try {
    let at = 5 + 4 + 2 + 32; // record header, handshake header, client_version, random
    at += 1 + hello.readUInt8(at); // session id
    at += 2 + hello.readUInt16BE(at); // cipher suites
    at += 1 + hello.readUInt8(at); // compression methods
    const end = at + 2 + hello.readUInt16BE(at);
    for (at += 2; at + 4 <= end; at += 4 + hello.readUInt16BE(at + 2)) if (hello.readUInt16BE(at) === 0x0017) return true;
    return false;
  } catch {
    return false; // an SSLv3 hello carries no extensions
  }
}

/**
 * A port where node:tls handshakes (the page, the probes, the certificate check) reach a real
 * https server serving PAGE, and the TLS sweep's raw ClientHellos get `hostile` instead (as from a
 * broken TLS stack, or a firewall that fingerprints ClientHellos).
 */
async function splitTls(hostile: (socket: Socket) => void): Promise<number> {
  const backend = await server('https', (socket) => socket.end(PAGE));
  return tcp((socket) =>
    socket.once('data', (hello: Buffer) => {
      if (!fromNodeTls(hello)) {
        hostile(socket);
        return;
      }
      const upstream = tcpConnect(backend, HOST);
      upstream.on('error', ignore);
      upstream.write(hello);
      socket.pipe(upstream).pipe(socket);
    }),
  );
}

async function timedScan(target: string, options: ScanOptions): Promise<{ result: ScanResult; elapsed: number }> {
  const started = Date.now();
  const result = await scan(target, { timeoutMs: T, ...options });
  return { result, elapsed: Date.now() - started };
}

const ids = (result: ScanResult): string[] => result.findings.map((finding) => finding.id.replace('AEGIS-SCAN-', ''));
const evidence = (result: ScanResult, id: string): string | undefined => result.findings.find((finding) => finding.id === `AEGIS-SCAN-${id}`)?.evidence;

/** What PAGE lacks, in report order (transport, headers, csp). */
const BARE_PAGE = ['TRANSPORT-001', 'HDR-005', 'HDR-001', 'HDR-011', 'HDR-016', 'HDR-022', 'HDR-024', 'HDR-025', 'CSP-030'];
/** security.txt answered with an HTML page (servers here answer every path the same). */
const SECURITY_TXT_HTML = 'EXPOSE-010';
/** The node:tls backend: a self-signed certificate, no OCSP stapling, no ALPN h2. */
const BACKEND_TLS = ['TLS-011', 'TLS-017', 'TLS-018'];
const VERSIONS = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function expectUnreachable({ result, elapsed }: { result: ScanResult; elapsed: number }, error: RegExp, max: number): void {
  expect(result.outcome).toBe('unreachable');
  expect(result.error).toMatch(error);
  expect(result.errors).toEqual([result.error]);
  expect(result.findings).toEqual([]);
  expect(result.grade).toBeUndefined();
  expect(elapsed).toBeLessThan(max);
}

describe('an https:// target whose port does not speak TLS', () => {
  const target = (port: number): string => `https://${HOST}:${port}/`;
  const only = { httpPort: false } as const;

  it('accepts and never answers: unreachable, timed out, within one deadline', async () => {
    const port = await tcp(ignore);
    expectUnreachable(await timedScan(target(port), only), /^GET https:\/\/127\.0\.0\.1:\d+\/: timed out after 800 ms$/, bound({ probes: 0 }));
  });

  it('answers the ClientHello with garbage: unreachable with the OpenSSL error', async () => {
    const port = await servers.raw((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    expectUnreachable(await timedScan(target(port), only), /^GET https:\/\/127\.0\.0\.1:\d+\/: EPROTO: wrong version number$/, bound({ probes: 0 }));
  });

  it('sends a truncated ServerHello and closes: unreachable, disconnected before the handshake', async () => {
    const port = await servers.raw((socket) => socket.end(Buffer.from('160303003502000031030300', 'hex')));
    expectUnreachable(await timedScan(target(port), only), /^GET https:\/\/127\.0\.0\.1:\d+\/: ECONNRESET: Client network socket disconnected before secure TLS connection was established$/, bound({ probes: 0 }));
  });

  it('sends a handshake_failure alert: unreachable with the alert', async () => {
    const port = await servers.raw((socket) => socket.end(Buffer.from('15030300020228', 'hex')));
    expectUnreachable(await timedScan(target(port), only), /^GET https:\/\/127\.0\.0\.1:\d+\/: EPROTO: sslv3 alert handshake failure \(alert 40\)$/, bound({ probes: 0 }));
  });

  it('half-closes (end()) right after accepting: unreachable, disconnected before the handshake', async () => {
    const port = await tcp((socket) => socket.end());
    expectUnreachable(await timedScan(target(port), only), /^GET https:\/\/127\.0\.0\.1:\d+\/: ECONNRESET: Client network socket disconnected before secure TLS connection was established$/, bound({ probes: 0 }));
  });
});

describe('an https:// page answering malformed HTTP', () => {
  const scanOf = async (answer: (socket: Socket, path: string) => void, options: ScanOptions = {}) => timedScan(`https://${HOST}:${await server('https', answer)}/`, { httpPort: false, tls: false, ...options });

  it('a garbage status line: unreachable with the parse error', async () => {
    expectUnreachable(await scanOf((socket) => socket.end('HTPT/9 x\x00\r\n\r\n')), /^GET https:\/\/127\.0\.0\.1:\d+\/: HPE_INVALID_CONSTANT: Parse Error: Expected HTTP\/, RTSP\/ or ICE\/$/, bound({ probes: 0 }));
  });

  it('a control character in a header value, or a space in a header name: unreachable with the parse error', async () => {
    expectUnreachable(await scanOf((socket) => socket.end('HTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\nContent-Length: 0\r\n\r\n')), /^GET https:\/\/127\.0\.0\.1:\d+\/: HPE_INVALID_HEADER_TOKEN: Parse Error: Invalid header value char$/, bound({ probes: 0 }));
    expectUnreachable(await scanOf((socket) => socket.end('HTTP/1.1 200 OK\r\nX Bad{}: ab\r\nContent-Length: 0\r\n\r\n')), /^GET https:\/\/127\.0\.0\.1:\d+\/: HPE_INVALID_HEADER_TOKEN: Parse Error: Invalid header token$/, bound({ probes: 0 }));
  });

  it('10 000 headers: unreachable, header overflow', async () => {
    const head = `HTTP/1.1 200 OK\r\n${Array.from({ length: 10_000 }, (_, i) => `X-Header-${i}: v\r\n`).join('')}Content-Length: 0\r\n\r\n`;
    expectUnreachable(await scanOf((socket) => socket.end(head)), /^GET https:\/\/127\.0\.0\.1:\d+\/: HPE_HEADER_OVERFLOW: Parse Error: Header overflow$/, bound({ probes: 0 }));
  });

  it('closed after reading the request, or in the middle of the body: unreachable, hang-up or cut body', async () => {
    expectUnreachable(await scanOf((socket) => socket.end()), /^GET https:\/\/127\.0\.0\.1:\d+\/: ECONNRESET: socket hang up$/, bound({ probes: 0 }));
    expectUnreachable(await scanOf((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>cut')), /^GET https:\/\/127\.0\.0\.1:\d+\/: connection closed before the body ended$/, bound({ probes: 0 }));
  });

  it('a body dripping one byte every 200 ms: unreachable at the deadline', async () => {
    const scanned = await scanOf((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n');
      const drip = setInterval(() => socket.write('a'), 200);
      socket.on('close', () => clearInterval(drip));
    });
    expectUnreachable(scanned, /^GET https:\/\/127\.0\.0\.1:\d+\/: timed out after 800 ms$/, bound({ probes: 0 }));
    expect(scanned.elapsed).toBeGreaterThanOrEqual(T - 50);
  });

  it('an endless chunked body: every read stops at its byte bound, the scan completes without an error', async () => {
    const chunk = `4000\r\n${'<p>a'.repeat(4096)}\r\n`;
    const { result, elapsed } = await scanOf((socket) => flood(socket, 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n', chunk), { maxBodyBytes: 100_000, timeoutMs: PATIENT_T });
    expect(result.outcome).toBe('scanned');
    expect(result.errors).toEqual([]);
    expect(result.page?.status).toBe(200);
    expect(ids(result)).toEqual([...BARE_PAGE, SECURITY_TXT_HTML]);
    expect(elapsed).toBeLessThan(PATIENT_T); // no read waited for its deadline
  });
});

describe('an https:// page with hostile content', () => {
  const scanOf = async (answer: (socket: Socket, path: string) => void, options: ScanOptions = {}) => timedScan(`https://${HOST}:${await server('https', answer)}/`, { httpPort: false, tls: false, ...options });

  it('200 000 nested <div> never closed: header checks run, content is skipped with an error line, not parsed for minutes', async () => {
    const html = response('200 OK', [['Content-Type', 'text/html']], '<div>'.repeat(200_000));
    const { result, elapsed } = await scanOf((socket) => socket.end(html), { maxBodyBytes: 2_000_000 });
    expect(result.outcome).toBe('scanned');
    expect(result.errors).toEqual(['page content not checked: the HTML did not parse within 800 ms']);
    expect(ids(result)).toEqual([...BARE_PAGE, SECURITY_TXT_HTML]);
    expect(result.categoriesScanned).not.toContain('content');
    expect(elapsed).toBeLessThan(bound({ parse: 1 }));
  });

  it('markup that makes the parser fill the heap (<p><b x=N></p>) or overflow the stack (nested <template>): error lines, no crash', async () => {
    const heap = response('200 OK', [['Content-Type', 'text/html']], Array.from({ length: 20_000 }, (_, i) => `<p><b x=${i}></p>`).join(''));
    const stack = response('200 OK', [['Content-Type', 'text/html']], '<template>'.repeat(20_000));
    const filled = await scanOf((socket) => socket.end(heap));
    expect(filled.result.errors).toEqual(['page content not checked: the HTML did not parse within 800 ms']);
    expect(filled.elapsed).toBeLessThan(bound({ parse: 1 }));
    const overflowed = await scanOf((socket) => socket.end(stack), { timeoutMs: PATIENT_T });
    expect(overflowed.result.errors).toEqual(['page content not checked: the HTML parser failed: Maximum call stack size exceeded']);
    expect(overflowed.elapsed).toBeLessThan(PATIENT_T);
    for (const { result } of [filled, overflowed]) {
      expect(result.outcome).toBe('scanned');
      expect(ids(result)).toEqual([...BARE_PAGE, SECURITY_TXT_HTML]);
    }
  });

  it('binary garbage served as text/html: parsed as the browser would, nothing found in it', async () => {
    const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919 + 13) & 0xff));
    const { result, elapsed } = await scanOf((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      socket.end(body);
    }, { timeoutMs: PATIENT_T });
    expect(result.outcome).toBe('scanned');
    expect(result.errors).toEqual([]);
    expect(result.categoriesScanned).toContain('content');
    expect(ids(result)).toEqual([...BARE_PAGE, SECURITY_TXT_HTML]);
    expect(elapsed).toBeLessThan(PATIENT_T);
  });
});

describe('probes without a usable answer', () => {
  it('the page answers, every other path hangs: scanned, one error line per hanging probe', async () => {
    const port = await server('https', (socket, path) => {
      if (path === '/') socket.end(PAGE);
    });
    const { result, elapsed } = await timedScan(`https://${HOST}:${port}/`, { httpPort: false, tls: false });
    expect(result.outcome).toBe('scanned');
    expect(result.errors).toEqual(['/.git/HEAD', '/.env', '/server-status', '/.DS_Store', '/backup.zip', '/.well-known/security.txt'].map((path) => `GET ${path}: timed out after 800 ms`));
    expect(ids(result)).toEqual(BARE_PAGE);
    expect(elapsed).toBeLessThan(bound({}));
  });

  it('the TLS sweep gets garbage: every version unknown (TLS-021 and error lines), none reported refused', async () => {
    const { result, elapsed } = await timedScan(`https://${HOST}:${await splitTls((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))}/`, { httpPort: false });
    const error = 'not a TLS handshake record at byte 0: 485454502f';
    expect(result.outcome).toBe('scanned');
    expect(result.errors).toEqual(VERSIONS.map((version) => `TLS ${version}: ${error}`));
    expect(ids(result)).toEqual([...BACKEND_TLS, 'TLS-021', ...BARE_PAGE, SECURITY_TXT_HTML]);
    expect(evidence(result, 'TLS-021')).toBe(VERSIONS.map((version) => `${version}: ${error}`).join('; '));
    expect(result.tls?.certificate).toMatchObject({ trusted: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(elapsed).toBeLessThan(bound({ probes: PAGE_PROBES, longestChain: 2 }));
  });

  it('the TLS sweep gets a truncated ServerHello or no answer: unknown versions, within two rounds of deadlines', async () => {
    const truncated = await timedScan(`https://${HOST}:${await splitTls((socket) => socket.end(Buffer.from('160303003502000031030300', 'hex')))}/`, { httpPort: false });
    const silent = await timedScan(`https://${HOST}:${await splitTls(ignore)}/`, { httpPort: false });
    expect(truncated.result.errors).toEqual(VERSIONS.map((version) => `TLS ${version}: answer truncated after 12 bytes`));
    expect(silent.result.errors).toEqual(VERSIONS.map((version) => `TLS ${version}: no answer within 800 ms`));
    for (const { result, elapsed } of [truncated, silent]) {
      expect(result.outcome).toBe('scanned');
      expect(ids(result)).toEqual([...BACKEND_TLS, 'TLS-021', ...BARE_PAGE, SECURITY_TXT_HTML]);
      expect(elapsed).toBeLessThan(bound({ probes: PAGE_PROBES, longestChain: 2 }));
    }
  });

  it('the TLS sweep gets an alert while node:tls negotiates TLSv1.3: 1.3 is unknown, not "refused"', async () => {
    const { result, elapsed } = await timedScan(`https://${HOST}:${await splitTls((socket) => socket.end(Buffer.from('15030300020228', 'hex')))}/`, { httpPort: false });
    const contradiction = 'the probe was refused, yet node:tls negotiated TLSv1.3 with the server';
    expect(result.outcome).toBe('scanned');
    expect(result.errors).toEqual([`TLS TLSv1.3: ${contradiction}`]);
    expect(result.tls?.versions['TLSv1.3']).toEqual({ accepted: false, error: contradiction });
    expect(result.tls?.versions['TLSv1.2']).toEqual({ accepted: false });
    // The group probe is refused at TLS 1.3 too, so it lists the TLS 1.2 curves (none): incomplete, since TLS 1.3 is unknown.
    expect(result.tls?.groups).toEqual({ version: 'TLSv1.2', accepted: [], complete: false, error: 'TLS 1.3 groups not listed: the group probe was refused at TLS 1.3, yet the version sweep found TLSv1.3 unknown' });
    expect(ids(result)).toEqual(['TLS-004', ...BACKEND_TLS, 'TLS-021', ...BARE_PAGE, SECURITY_TXT_HTML]);
    expect(evidence(result, 'TLS-021')).toBe(`TLSv1.3: ${contradiction}`);
    expect(elapsed).toBeLessThan(bound({ probes: PAGE_PROBES, longestChain: 2 }));
  });
});

describe('a hostile http:// entry point', () => {
  const https = (): Promise<number> => server('https', (socket) => socket.end(PAGE));
  const redirecting = (next: (path: string) => string) => (socket: Socket, path: string) => socket.end(response('302 Found', [['Location', next(path)]]));
  const numbered = (path: string): string => `/r${Number(path.slice(2) || 0) + 1}`;

  it('httpPort answers garbage while the https:// page is fine: scanned, TRANSPORT-017 and an error line', async () => {
    const httpPort = await server('http', (socket) => socket.end('garbage\x00\r\n\r\n'));
    const { result, elapsed } = await timedScan(`https://${HOST}:${await https()}/`, { httpPort, tls: false });
    const error = 'HPE_INVALID_CONSTANT: Parse Error: Expected HTTP/, RTSP/ or ICE/';
    expect(result.outcome).toBe('scanned');
    expect(result.redirects).toEqual([{ url: `http://${HOST}:${httpPort}/`, error }]);
    expect(result.errors).toEqual([`GET http://${HOST}:${httpPort}/: ${error}`]);
    expect(ids(result)).toEqual(['TRANSPORT-001', 'TRANSPORT-017', ...BARE_PAGE.slice(1), SECURITY_TXT_HTML]);
    expect(elapsed).toBeLessThan(bound({ probes: PAGE_PROBES, longestChain: 1 }));
  });

  it('httpPort redirects in a loop: stops at the repeated URL, TRANSPORT-014', async () => {
    const httpPort = await server('http', redirecting((path) => (path === '/' ? '/a' : '/')));
    const { result, elapsed } = await timedScan(`https://${HOST}:${await https()}/`, { httpPort, tls: false });
    const entry = `http://${HOST}:${httpPort}`;
    expect(result.outcome).toBe('scanned');
    expect(result.redirects.map((hop) => hop.url)).toEqual([`${entry}/`, `${entry}/a`, `${entry}/`]);
    expect(result.errors).toEqual([]);
    expect(ids(result)).toEqual(['TRANSPORT-001', 'TRANSPORT-014', 'TRANSPORT-011', ...BARE_PAGE.slice(1), SECURITY_TXT_HTML]);
    expect(elapsed).toBeLessThan(bound({ probes: PAGE_PROBES, longestChain: 3 }));
  });

  it('httpPort redirects to a fresh URL forever: stops after maxRedirects requests, says so', async () => {
    const httpPort = await server('http', redirecting(numbered));
    const { result, elapsed } = await timedScan(`https://${HOST}:${await https()}/`, { httpPort, tls: false, maxRedirects: 7 });
    expect(result.outcome).toBe('scanned');
    expect(result.redirects.map((hop) => hop.url)).toEqual(['/', '/r1', '/r2', '/r3', '/r4', '/r5', '/r6'].map((path) => `http://${HOST}:${httpPort}${path}`));
    expect(result.errors).toEqual(['redirects: still redirecting after 7 requests (maxRedirects)']);
    expect(ids(result)).toEqual(['TRANSPORT-001', 'TRANSPORT-011', 'TRANSPORT-015', ...BARE_PAGE.slice(1), SECURITY_TXT_HTML]);
    expect(evidence(result, 'TRANSPORT-015')).toBe('7 redirects');
    expect(elapsed).toBeLessThan(bound({ probes: PAGE_PROBES, longestChain: 7 }));
  });

  it('an http:// target redirecting forever: the chain stops at maxRedirects, the page after its own same-origin limit', async () => {
    const port = await server('http', redirecting(numbered));
    const { result, elapsed } = await timedScan(`http://${HOST}:${port}/`, { maxRedirects: 7 });
    expect(result.outcome).toBe('scanned');
    expect(result.redirects).toHaveLength(7);
    expect(result.page).toMatchObject({ url: `http://${HOST}:${port}/r11`, status: 302 });
    expect(result.errors).toEqual(['redirects: still redirecting after 7 requests (maxRedirects)']);
    expect(elapsed).toBeLessThan(bound({ entryHops: 7, pageRequests: 1 + PAGE_REDIRECTS }));
  });
});
