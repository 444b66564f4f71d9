/** The TLS sweep's facts as plain JSON for the report (dates as ISO strings, suites and groups by name). */

import type { ReportedCertificate, ReportedTls, ReportedVersion } from '../result.js';
import type { TlsScan } from '../tls/sweep.js';
import type { TlsVersionName } from '../tls/versions.js';

const DAY_MS = 86_400_000;

/**
 * `scan` (from `scanTls`) as the report shows it.
 * @example reportTls(await scanTls(host, 443, { servername: host }), host, 443, new Date()).versions['TLSv1.3'].accepted
 */
export function reportTls(scan: TlsScan, host: string, port: number, now: Date): ReportedTls {
  const versions = {} as Record<TlsVersionName, ReportedVersion>;
  for (const [name, result] of Object.entries(scan.versions) as Array<[TlsVersionName, TlsScan['versions'][TlsVersionName]]>) {
    const list = scan.ciphers[name];
    versions[name] = {
      accepted: result.accepted,
      ...(result.error === undefined ? {} : { error: result.error }),
      ...(result.preferred === undefined ? {} : { preferred: result.preferred }),
      ...(list === undefined ? {} : { ciphers: list.ciphers.map((suite) => suite.name), ciphersComplete: list.complete }),
    };
  }
  const cert = scan.certificate;
  const certificate: ReportedCertificate | { error: string } =
    cert.outcome === 'error'
      ? { error: cert.message }
      : {
          trusted: cert.trusted,
          ...(cert.authorizationError === undefined ? {} : { authorizationError: cert.authorizationError }),
          hostnameMatch: cert.hostnameMatch,
          subject: cert.subject,
          issuer: cert.issuer,
          validFrom: cert.validFrom.toISOString(),
          validTo: cert.validTo.toISOString(),
          daysLeft: Math.floor((cert.validTo.getTime() - now.getTime()) / DAY_MS),
          keyType: cert.keyType,
          ...(cert.keyBits === undefined ? {} : { keyBits: cert.keyBits }),
          signatureAlgorithm: cert.signatureAlgorithm,
          ocspStapled: cert.ocspStapled,
          alpn: cert.alpn,
        };
  const { groups } = scan;
  return {
    host,
    port,
    versions,
    groups: { version: groups.version, accepted: [...groups.groups], complete: groups.complete, ...(groups.error === undefined ? {} : { error: groups.error }) },
    certificate,
  };
}
