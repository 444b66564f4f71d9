/**
 * `aegis/tls`: certificates for HTTPS in development and checks on the ones used in production.
 * Built on `node:crypto` only: a small DER encoder writes the certificates Node cannot create.
 * @packageDocumentation
 */
export { createSelfSignedCertificate } from './self-signed.js';
export type { SelfSignedOptions, SelfSignedCertificate } from './self-signed.js';
export { loadOrCreateDevCertificate } from './dev-certificate.js';
export type { DevCertificateOptions, DevCertificate } from './dev-certificate.js';
export { inspectCertificate, certificateCovers, daysUntilExpiry } from './certificate-info.js';
export type { CertificateInfo } from './certificate-info.js';
