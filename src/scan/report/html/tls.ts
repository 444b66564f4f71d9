/** The TLS section of the HTML report: protocol versions with their suites, the key exchange groups, and the certificate. */

import type { ReportedCertificate, ReportedGroups, ReportedTls, ReportedVersion } from '../../result.js';
import { TLS_VERSIONS } from '../../tls/versions.js';
import { html, joinHtml, type SafeHtml } from './escape.js';
import { timeElement } from './format.js';

/** Certificates closer to expiry than this are flagged. */
const EXPIRY_WARNING_DAYS = 30;

/** The TLS section of one target. */
export function tlsSection(tls: ReportedTls): SafeHtml {
  return html`<section>
<h3>TLS (<code>${tls.host}:${tls.port}</code>)</h3>
${versionsTable(tls.versions)}
${tls.groups === undefined ? html`` : groupsParagraph(tls.groups)}
${certificateTable(tls.certificate)}
</section>`;
}

function versionsTable(versions: ReportedTls['versions']): SafeHtml {
  const known = Object.keys(TLS_VERSIONS);
  const names = [...known.filter((name) => Object.hasOwn(versions, name)), ...Object.keys(versions).filter((name) => !known.includes(name))];
  const rows = names.map((name) => versionRow(name, (versions as Readonly<Record<string, ReportedVersion>>)[name]));
  return html`<table class="tls-versions">
<caption class="muted">Protocol versions the server accepts, and the cipher suites per version in the server's order of choice</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Accepted</th><th scope="col">Preferred suite</th><th scope="col">Accepted suites</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function versionRow(name: string, version: ReportedVersion | undefined): SafeHtml {
  if (version === undefined) return html``;
  const accepted = version.accepted
    ? html`<strong>yes</strong>`
    : version.error === undefined
      ? html`no`
      : html`<span class="warn">unknown</span> <span class="muted">(${version.error})</span>`;
  const ciphers = version.ciphers ?? [];
  const suites = version.accepted
    ? html`${joinHtml(ciphers.map((cipher) => html`<code>${cipher}</code>`), html`<br>`)}${version.ciphersComplete === false ? html`<br><span class="warn">list incomplete: the enumeration was cut short</span>` : html``}`
    : html`<span class="muted">none</span>`;
  return html`<tr><th scope="row">${name}</th><td>${accepted}</td><td>${version.preferred ? html`<code>${version.preferred}</code>` : html``}</td><td>${suites}</td></tr>
`;
}

function groupsParagraph(groups: ReportedGroups): SafeHtml {
  const how = groups.version === 'TLSv1.3' ? html`each offered alone over TLSv1.3` : html`each curve offered alone over TLSv1.2 with the ECDHE suites: the server speaks no TLS 1.3`;
  const list = groups.accepted.length === 0 ? html`<span class="muted">none</span>` : joinHtml(groups.accepted.map((name) => html`<code>${name}</code>`), html`, `);
  const cut = groups.complete ? html`` : html` <span class="warn">list incomplete${groups.error === undefined ? '' : `: ${groups.error}`}</span>`;
  return html`<p class="tls-groups"><strong>Key exchange groups</strong> <span class="muted">(${how})</span>: ${list}${cut}</p>`;
}

function yesNo(value: boolean, badWhenNo = true): SafeHtml {
  return value ? html`yes` : badWhenNo ? html`<span class="bad">no</span>` : html`no`;
}

function daysLeft(days: number): SafeHtml {
  if (days < 0) return html`<span class="bad">expired ${-days} days ago</span>`;
  if (days < EXPIRY_WARNING_DAYS) return html`<span class="warn">${days} days (renew soon)</span>`;
  return html`${days} days`;
}

function certificateTable(certificate: ReportedCertificate | { readonly error: string }): SafeHtml {
  if ('error' in certificate) {
    return html`<p><strong>Certificate:</strong> not read: <code>${certificate.error}</code></p>`;
  }
  const rows: [string, SafeHtml][] = [
    ['Subject', html`<code>${certificate.subject}</code>`],
    ['Issuer', html`<code>${certificate.issuer}</code>`],
    ['Trusted', html`${yesNo(certificate.trusted)}${certificate.authorizationError ? html` <span class="muted">(${certificate.authorizationError})</span>` : html``}`],
    ['Names this host', yesNo(certificate.hostnameMatch)],
    ['Valid from', timeElement(certificate.validFrom)],
    ['Valid to', timeElement(certificate.validTo)],
    ['Days left', daysLeft(certificate.daysLeft)],
    ['Key', html`${certificate.keyType}${certificate.keyBits === undefined ? '' : ` ${certificate.keyBits} bits`}`],
    ['Signature algorithm', html`<code>${certificate.signatureAlgorithm}</code>`],
    ['OCSP stapled', yesNo(certificate.ocspStapled, false)],
    ['ALPN', certificate.alpn === false ? html`none` : html`<code>${certificate.alpn}</code>`],
  ];
  return html`<table class="certificate">
<caption class="muted">Certificate</caption>
<tbody>
${rows.map(([label, value]) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>
`)}
</tbody>
</table>`;
}
