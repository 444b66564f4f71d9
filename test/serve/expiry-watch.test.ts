/**
 * The expiry warning's schedule: at start and once a day while the certificate expires within 30
 * days (fake timers stand in for the days), nothing for a certificate with longer to live.
 */
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aegis, type AegisEvent } from '../../src/index.js';
import { watchExpiry } from '../../src/serve/expiry-watch.js';
import { createSelfSignedCertificate } from '../../src/tls/self-signed.js';

const DAY = 86_400_000;
const START = new Date('2026-03-01T12:00:00.000Z');

let stderr: string[];
beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ['Date', 'setInterval', 'clearInterval'] });
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A certificate valid until `days` days after START, plus `extraHours`. */
function certificate(days: number, extraHours = 0): X509Certificate {
  return new X509Certificate(createSelfSignedCertificate({ now: new Date(START.getTime() + extraHours * 3_600_000), days }).cert);
}

function watched(days: number, extraHours = 0) {
  const policy = aegis({ env: 'test', quiet: true });
  const events: AegisEvent[] = [];
  policy.on('tls.expiring', (event) => events.push(event));
  const stop = watchExpiry(certificate(days, extraHours), 'site.pem + site.key', policy);
  return { events, stop };
}

describe('watchExpiry', () => {
  it('warns at start, then once a day, counting down, and stops when asked', () => {
    const { events, stop } = watched(3);
    expect(events.map((event) => event.detail)).toEqual([{ source: 'site.pem + site.key', validTo: '2026-03-04T12:00:00.000Z', days: 3 }]);
    vi.advanceTimersByTime(DAY);
    vi.advanceTimersByTime(DAY);
    expect(events.map((event) => (event.detail as { days: number }).days)).toEqual([3, 2, 1]);
    expect(stderr[2]).toBe('[aegis] warning: the TLS certificate from site.pem + site.key expires in 1 day (2026-03-04T12:00:00.000Z). Renew it; Aegis reloads the files without a restart.\n');
    vi.advanceTimersByTime(DAY);
    expect(events[3]).toMatchObject({ level: 'error', reason: 'tls.expired', detail: { days: 0 } });
    expect(stderr[3]).toBe('[aegis] warning: the TLS certificate from site.pem + site.key expired on 2026-03-04T12:00:00.000Z. Renew it; Aegis reloads the files without a restart.\n');
    stop();
    vi.advanceTimersByTime(5 * DAY);
    expect(events).toHaveLength(4);
  });

  it('is silent while more than 30 days are left, and starts warning inside the last 30', () => {
    const { events, stop } = watched(30, 12); // 30.5 days left at start
    expect(events).toHaveLength(0);
    expect(stderr).toEqual([]);
    vi.advanceTimersByTime(DAY); // 29.5 days left: rounded up
    expect(events.map((event) => (event.detail as { days: number }).days)).toEqual([30]);
    stop();
  });
});
