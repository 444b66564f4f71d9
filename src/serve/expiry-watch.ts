import type { X509Certificate } from 'node:crypto';
import type { AegisPolicy } from '../core/policy.js';

const DAY = 86_400_000;

/** Days before expiry from which Aegis warns. */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * Warns (on stderr and as a `tls.expiring` event) now and once a day while the certificate expires
 * within 30 days. Returns a function that stops the daily check.
 */
export function watchExpiry(certificate: X509Certificate, source: string, policy: AegisPolicy, now: () => number = Date.now): () => void {
  const validTo = new Date(certificate.validTo);
  const check = () => {
    const days = (validTo.getTime() - now()) / DAY;
    if (days >= EXPIRY_WARNING_DAYS) return;
    // Whole days left, rounded up: a certificate valid for 9.5 more days "expires in 10 days".
    const left = Math.ceil(days);
    const when = days <= 0 ? `expired on ${validTo.toISOString()}` : `expires in ${left} day${left === 1 ? '' : 's'} (${validTo.toISOString()})`;
    process.stderr.write(`[aegis] warning: the TLS certificate from ${source} ${when}. Renew it; Aegis reloads the files without a restart.\n`);
    policy.emit({ type: 'tls.expiring', level: days <= 0 ? 'error' : 'warn', time: now(), reason: days <= 0 ? 'tls.expired' : 'tls.expiring', detail: { source, validTo: validTo.toISOString(), days: days <= 0 ? 0 : left } });
  };
  check();
  const timer = setInterval(check, DAY);
  timer.unref();
  return () => clearInterval(timer);
}
