/**
 * The raw TLS handshake probe of `aegis scan`: ClientHello builder, ServerHello/alert parser, the
 * cipher suite and named group tables, and the TCP probe that ties them together.
 */

export { TLS_VERSIONS, tlsVersionName, type TlsVersion, type TlsVersionName } from './versions.js';
export { CIPHER_SUITES, LEGACY_SUITES, TLS13_SUITES, cipherSuite, cipherSuiteName, type Authentication, type CipherSuite, type KeyExchange } from './cipher-suites.js';
export { EXTENSION, SIGNATURE_ALGORITHMS, SUPPORTED_GROUPS, buildClientHello, x25519PublicKey, type ClientHelloOptions } from './client-hello.js';
export { ALERTS, HELLO_RETRY_RANDOM, parseServerHello, type HelloAnswer, type HelloError, type HelloExtension, type HelloIncomplete, type ServerHello, type TlsAlert } from './server-hello.js';
export { NAMED_GROUPS, X25519, groupName, namedGroup, type GroupKind, type NamedGroup } from './groups.js';
export { ECDHE_SUITES, TLS12_GROUPS, enumerateGroups, type GroupEnumeration, type GroupVersion } from './enumerate-groups.js';
export { enumerateCiphers, probeHello, type CipherEnumeration, type ProbeAccepted, type ProbeError, type ProbeOptions, type ProbeRejected, type ProbeResult } from './probe.js';
export { TLS_FINDINGS, TLS_FINDING_TABLE } from './findings.js';
export { inspectServerCertificate, signatureAlgorithmOf, type CertificateError, type CertificateFacts, type CertificateOptions } from './certificate.js';
export { evaluateTls, type TlsFacts } from './evaluate.js';
export { scanTls, type CipherList, type ScanTlsOptions, type TlsScan, type VersionResult } from './sweep.js';
